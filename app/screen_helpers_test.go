package app

// The screen on show, by kind, for tests: nil when another is current.

func (ui *mainUI) visit() *visitScreen {
	v, _ := ui.current.(*visitScreen)
	return v
}

func (ui *mainUI) project() *projectPage {
	p, _ := ui.current.(*projectPage)
	return p
}

func (ui *mainUI) findings() *findingsScreen {
	f, _ := ui.current.(*findingsScreen)
	return f
}
