package report

// english holds the English of every printed label; the Chinese is the key.
func english(zh string) string {
	switch zh {
	case "：":
		return ": "
	case "日期":
		return "Date"
	case "拍摄于":
		return "Taken"
	case "照片无法读取":
		return "Photo cannot be read"
	case "照片“%s”无法读取，已留空：%v":
		return "Photo %q cannot be read and was left blank: %v"
	}
	return ""
}
