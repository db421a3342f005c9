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
	case "%d年第%d期":
		return "%[1]d, No. %[2]d"
	case "西部（重庆）科学城重点项目督查组":
		return "Key Project Supervision Group, Western (Chongqing) Science City"
	case "（%s · 数据截至%s）":
		return "(%s · data as of %s)"
	case "总体情况":
		return "Overview"
	case "需协调解决事项":
		return "Matters for the leaders to settle"
	case "下步工作":
		return "Next steps"
	case "项目推进情况":
		return "Progress of the projects"
	case "投资完成情况":
		return "Investment"
	case "问题清单（按责任单位）":
		return "Findings by responsible unit"
	case "项目详情":
		return "The projects"
	case "。":
		return "."
	case "纳入调度的重点项目%d个，均按计划推进。":
		return "All %d key projects under dispatch are on schedule. "
	case "纳入调度的重点项目%d个，按计划推进%d个":
		return "Of the %d key projects under dispatch, %d are on schedule"
	case "；滞后%d个（%s）":
		return "; %d are behind (%s)"
	case "；严重滞后%d个（%s）":
		return "; %d are seriously behind (%s)"
	case "年度计划投资%s，截至%s累计完成%s，完成率%s；时序进度%s，完成率%s时序进度%s个百分点。":
		return " The annual investment plan is %s; by %s, %s was invested, %s of the plan, against %s of the year gone: %s by %s points. "
	case "快于":
		return "ahead"
	case "慢于":
		return "behind"
	case "本期新发现问题%d项、销号%d项（上期分别为%d项、%d项）；期末在办问题%d项，其中逾期%d项（上期末分别为%d项、%d项）。":
		return "This period %d findings were raised and %d closed (last period %d and %d); %d are open at its end, %d of them overdue (last period %d and %d). "
	case "问题累计销号率%s，较上期%s。":
		return "%s of all findings are closed, %s on last period. "
	case "持平":
		return "unchanged"
	case "提高%s个百分点":
		return "up %s points"
	case "下降%s个百分点":
		return "down %s points"
	case "逾期未整改问题%d项需协调解决，逾期最久的已%d天（%s，%s）。":
		return "%d overdue findings need the leaders' help; the oldest is %d days overdue (%s, %s)."
	case "在办":
		return "Open"
	case "本期销号":
		return "Closed this period"
	case "销号率":
		return "Closed, all"
	case "在办、逾期为期末数；本期销号为本期内销号的问题；销号率为累计销号问题占累计发现问题（不含已撤销）的比例。":
		return "Open and overdue are at the period's end; closed this period counts findings closed in it; closed, all is the share of all findings raised (withdrawn ones left out) that are closed."
	case "本期无逾期未整改的问题。":
		return "No finding is overdue."
	case "问题":
		return "Finding"
	case "另有%d项逾期问题见问题清单。":
		return "%d more overdue findings are in the list of findings."
	case "下次调度会拟于%s上旬召开，请各责任单位会前报送问题整改进展。":
		return "The next dispatch meeting is planned for early %s; responsible units report their progress before it."
	case "开展%d年第%s季度重点项目拉练。":
		return "Tour of the key projects, Q%[2]s %[1]d."
	case "%d个项目超过一个月未开展现场督查（%s），请本月内安排。":
		return "%d projects have had no site visit for over a month (%s): visit them this month."
	case "各项目均已按月开展现场督查，继续落实一月一督查。":
		return "Every project was visited in the last month; monthly visits continue."
	case "督促%d项逾期问题限期整改销号。":
		return "Press for the %d overdue findings to be fixed and closed."
	case "报：":
		return "To: "
	case "送：":
		return "Copy: "
	case "发：":
		return "Distribution: "
	case "科学城管委会主要领导、分管领导":
		return "Heads of the Science City Administrative Committee"
	case "各牵头部门、职能部门":
		return "Lead and functional departments"
	case "各重点项目业主单位":
		return "Owners of the key projects"
	case "正常":
		return "on schedule"
	case "滞后":
		return "behind"
	case "严重滞后":
		return "seriously behind"
	case "已销号":
		return "closed"
	case "其他%d个单位":
		return "%d other units"
	case "7日内到期":
		return "due within 7 days"
	case "%s印发":
		return "Issued %s"
	}
	return ""
}
