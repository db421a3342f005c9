package report

// englishBrief holds the English of the labels of the brief's page 1, its
// 版记 and the typesetting of issue 15; english falls back to it. A file of
// its own keeps these apart from the labels other work adds.
func englishBrief(zh string) string {
	switch zh {
	case "严重程度":
		return "Severity"
	case "（续）":
		return " (continued)"
	}
	return ""
}
