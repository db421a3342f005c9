package sample

import "fieldbrief/supervision"

// The wording below is what inspectors of a Chongqing construction-supervision
// office actually write, so that briefs printed from sample data read like
// real ones. The tables are functions rather than package variables so no
// caller can change them for another.

// unitRole says who has to act on a finding.
type unitRole int

const (
	roleContractor unitRole = iota // 施工总承包单位: site safety, quality, dust, wages
	roleOwner                      // 建设单位: schedule, investment, permits
	roleDepartment                 // a committee department: land, power, water
)

// issue is what an inspector writes beside "不符合" and what the
// responsible unit later reports as done about it.
type issue struct{ found, fixed string }

// problem is the ready-made wording for a failed checklist item.
type problem struct {
	issues     []issue
	role       unitRole
	department string // for roleDepartment
}

// problemFor returns the wording for a failed item, false for an item the
// tables do not know (a template edited after this was written).
func problemFor(key string) (problem, bool) {
	switch key {
	case "progress.on_schedule":
		return problem{role: roleContractor, issues: []issue{
			{"主体结构施工较节点计划滞后约20天", "已增加作业班组，实行两班倒，主体结构节点已追回"},
			{"幕墙工程招标延迟，影响外立面施工节点", "幕墙工程已完成招标，施工单位已进场"},
			{"地下室施工受地质条件影响，较计划滞后约一个月", "已优化基坑支护方案，地下室施工已按调整后计划推进"},
			{"施工图设计深度不足导致返工，节点滞后", "设计单位已完成施工图补充，现场按新计划施工"},
			{"劳动力投入不足，关键线路工作滞后", "已增加劳动力投入，关键线路工作恢复正常"},
			{"机电安装单位进场晚于计划，影响调试节点", "机电安装单位已进场，调试计划已报监理审批"}}}, true
	case "investment.on_pace":
		return problem{role: roleOwner, issues: []issue{
			{"年度累计完成投资低于序时进度", "已加快工程款结算，投资完成已达序时进度"},
			{"主要设备采购合同尚未签订，投资完成滞后", "主要设备采购合同已签订并支付预付款"},
			{"工程款结算滞后，入统投资偏低", "已完成进度款结算并入库纳统"},
			{"建设资金拨付不及时，影响投资完成", "建设资金已拨付到位"}}}, true
	case "investment.statistics":
		return problem{role: roleOwner, issues: []issue{
			{"本月投资数据未按时报送统计部门", "已补报投资数据"},
			{"部分已完成工程量未入库纳统", "已完成补充入库"},
			{"统计台账与实际完成工程量不一致", "已核对更正统计台账"}}}, true
	case "safety.duty":
		return problem{role: roleContractor, issues: []issue{
			{"项目专职安全员未到岗", "专职安全员已到岗并纳入考勤"},
			{"安全技术交底记录缺失", "已补充交底并建立台账"},
			{"项目经理不在岗且未履行请假手续", "项目经理已到岗，建设单位已约谈施工单位"},
			{"班前安全教育记录不全", "已规范班前教育并留存影像记录"}}}, true
	case "safety.cranes":
		return problem{role: roleContractor, issues: []issue{
			{"塔吊标准节螺栓松动", "已对全部标准节螺栓复紧，经检测单位复检合格"},
			{"2#塔吊司机未持证上岗", "已更换持证司机，无证人员已清退"},
			{"施工升降机防坠安全器超过检定有效期", "防坠安全器已送检并重新标定合格"},
			{"塔吊附着装置锚固不牢", "附着装置已重新锚固，经检测合格"},
			{"塔吊力矩限制器失灵", "力矩限制器已维修调试，经检测合格"}}}, true
	case "safety.scaffold":
		return problem{role: roleContractor, issues: []issue{
			{"外架连墙件缺失", "已按方案补设连墙件"},
			{"脚手架剪刀撑设置不连续", "已补齐剪刀撑并经监理验收"},
			{"高支模未按专项方案搭设，立杆间距过大", "已按专项方案加密立杆，经专家复核后浇筑"},
			{"脚手板未满铺，存在探头板", "脚手板已满铺并固定"}}}, true
	case "safety.power":
		return problem{role: roleContractor, issues: []issue{
			{"临时用电线路私拉乱接", "已拆除私拉线路，按规范重新敷设"},
			{"配电箱未设置漏电保护器", "已加装漏电保护器并检测合格"},
			{"电缆沿地面拖拽，未架空敷设", "电缆已架空敷设"},
			{"开关箱一闸多用", "已整改为一机一闸一漏一箱"}}}, true
	case "safety.edges":
		return problem{role: roleContractor, issues: []issue{
			{"楼层临边防护栏杆缺失", "临边防护栏杆已全部安装"},
			{"电梯井口未设置防护门", "电梯井口已安装定型化防护门"},
			{"预留洞口未封闭覆盖", "预留洞口已封闭覆盖并设警示标识"}}}, true
	case "safety.fire":
		return problem{role: roleContractor, issues: []issue{
			{"动火作业未办理审批手续", "已建立动火审批制度，补办审批并配备监护人"},
			{"消防器材过期失效", "已更换全部过期消防器材"},
			{"生活区宿舍违规使用大功率电器", "违规电器已清除，宿舍已安装限流装置"},
			{"消防通道被材料占用", "消防通道已清理畅通"}}}, true
	case "quality.sampling":
		return problem{role: roleContractor, issues: []issue{
			{"进场钢筋未按规定见证取样", "已补做见证取样送检，复试合格"},
			{"防水卷材未复试即投入使用", "已送检复试合格，未检批次已退场"},
			{"取样送检台账不完整", "已完善送检台账"}}}, true
	case "quality.concealed":
		return problem{role: roleContractor, issues: []issue{
			{"钢筋保护层厚度不足", "已返工调整垫块，经监理验收合格"},
			{"板面钢筋绑扎间距超出允许偏差", "已返工绑扎，经监理验收合格"},
			{"隐蔽工程未经验收即浇筑混凝土", "已委托第三方检测，结构检测合格，相关责任人已处理"}}}, true
	case "quality.defects":
		return problem{role: roleContractor, issues: []issue{
			{"地下室外墙存在渗漏点", "已注浆堵漏，观察期内无渗漏"},
			{"楼板出现收缩裂缝", "已按方案进行裂缝封闭处理"},
			{"卫生间闭水试验记录缺失", "已重新进行闭水试验并补齐记录"}}}, true
	case "dust.hoarding":
		return problem{role: roleContractor, issues: []issue{
			{"东侧围挡破损未修复", "破损围挡已修复"},
			{"围挡不连续，存在缺口", "缺口已封闭，围挡连续设置"},
			{"围挡顶部喷淋损坏", "围挡喷淋已修复并开启"}}}, true
	case "dust.cover":
		return problem{role: roleContractor, issues: []issue{
			{"裸土未覆盖", "裸土已全部覆盖防尘网"},
			{"土方堆场防尘网覆盖不全", "土方堆场已全覆盖并安排专人巡查"},
			{"砂石料堆放未覆盖", "砂石料已入棚存放"}}}, true
	case "dust.wash":
		return problem{role: roleContractor, issues: []issue{
			{"出场车辆未冲洗，带泥上路", "已安排专人值守洗车平台，车辆全部冲洗后出场"},
			{"洗车平台沉淀池淤积未清理", "沉淀池已清淤"},
			{"渣土车未密闭运输", "渣土车辆已全部加装密闭盖板"}}}, true
	case "dust.spray":
		return problem{role: roleContractor, issues: []issue{
			{"喷淋系统未开启", "喷淋系统已按时开启"},
			{"雾炮机故障未修复", "雾炮机已维修恢复运行"},
			{"场内道路未洒水降尘", "已安排洒水车定时洒水"}}}, true
	case "permits.construction":
		return problem{role: roleOwner, issues: []issue{
			{"施工许可证尚未办理", "施工许可证已取得"},
			{"施工许可证载明的施工单位与实际不符", "已办理施工许可变更"},
			{"未取得施工许可即开展场平施工", "已停工并补办手续，取得施工许可后复工"}}}, true
	case "factors.land":
		return problem{role: roleDepartment, department: "规划和自然资源局", issues: []issue{
			{"剩余地块征地拆迁未完成，影响施工", "剩余地块已完成征拆并交地"},
			{"部分用地尚未完成交地", "用地已全部交付"},
			{"临时用地手续到期未续办", "临时用地手续已续办"}}}, true
	case "factors.power":
		return problem{role: roleDepartment, department: "经济发展局", issues: []issue{
			{"永久供电方案尚未批复", "永久供电方案已批复"},
			{"临时用电容量不足，影响施工", "已增容临时变压器"},
			{"专用变电站配套线路建设滞后", "配套线路已完成架设并送电"}}}, true
	case "factors.water":
		return problem{role: roleDepartment, department: "科学城建设局", issues: []issue{
			{"市政雨污管网未接通，施工废水无法排放", "市政雨污管网已接通"},
			{"临时供水管径不足，影响混凝土养护", "已增设临时供水管道"},
			{"周边市政给水管网尚未接驳", "给水管网已完成接驳"}}}, true
	case "factors.wages":
		return problem{role: roleContractor, issues: []issue{
			{"农民工工资专户未按月足额拨付", "工资专户已足额拨付，工资已发放到位"},
			{"实名制考勤记录与工资发放不一致", "已核对考勤与工资并补发差额"},
			{"维权信息公示牌未设置", "维权信息公示牌已设置"}}}, true
	}
	return problem{}, false
}

// failWeight is how often an item fails relative to the others: the things
// that go wrong on Chongqing sites month after month (covers, temporary
// power, lifting equipment) weigh most.
func failWeight(key string) float64 {
	switch key {
	case "dust.cover":
		return 1.6
	case "safety.power", "safety.cranes", "safety.scaffold", "safety.edges":
		return 1.25
	case "dust.wash", "dust.spray", "dust.hoarding", "safety.fire":
		return 0.9
	case "quality.concealed", "quality.defects", "factors.power":
		return 0.8
	case "safety.duty", "quality.sampling", "factors.land", "factors.wages":
		return 0.6
	case "factors.water":
		return 0.5
	case "investment.statistics", "permits.construction":
		return 0.3
	}
	return 0.5
}

// fixNotes is what a responsible unit reports as done about a finding the
// tables have no specific wording for.
func fixNotes(c supervision.Category) []string {
	switch c {
	case supervision.CategorySafety:
		return []string{"已完成整改，更换损坏部件并组织专项安全教育", "已补设防护设施，经监理单位验收合格", "已停工整改，经第三方检测合格后恢复使用"}
	case supervision.CategoryQuality:
		return []string{"已返工处理，经监理单位验收合格", "已补做见证取样送检，复试合格", "已完成修补，闭水试验合格"}
	case supervision.CategoryDust:
		return []string{"已完成覆盖并安排专人巡查", "已修复围挡及喷淋设施", "已清理沉淀池，出场车辆全部冲洗"}
	case supervision.CategoryProgress:
		return []string{"已增加劳动力和机械投入，关键节点已追回", "已调整施工组织计划并报监理审批，按新计划推进"}
	case supervision.CategoryInvestment:
		return []string{"已签订设备采购合同，投资完成已达序时进度", "已补报投资数据并入库纳统"}
	case supervision.CategoryPermits:
		return []string{"相关手续已办结", "已补办手续并取得批复文件"}
	case supervision.CategoryFactors:
		return []string{"经牵头部门协调，已落实到位", "已完成接入并投入使用"}
	}
	return []string{"已办结"}
}

func progressNotes() []string {
	return []string{"责任单位已制定整改方案，正在整改", "已安排专人负责，整改中", "已召开专题会部署整改", "已提交整改计划，预计按期完成"}
}

func closeNotes() []string {
	return []string{"现场核验，整改到位，同意销号", "经复查，问题已整改完毕，予以销号", "查看现场及整改资料，符合要求，销号"}
}

func rejectNotes() []string {
	return []string{"复查发现整改不到位，退回继续整改", "现场仍存在同类问题，要求继续整改", "整改资料不完整，补充后再行核验"}
}

func withdrawNotes(k supervision.FindingKind) []string {
	if k == supervision.KindRequest {
		return []string{"企业已撤回该诉求", "经调度会研究，纳入片区统筹解决，本条撤销"}
	}
	return []string{"经核实与前期问题重复，予以撤销", "经调度会研究，纳入专项方案统筹解决，本条撤销", "经复核不属于本项目责任范围，予以撤销"}
}

// request is a kind of company request (企业诉求), the checklist option it
// is filed under and the department that must answer it.
type request struct {
	option     string
	category   supervision.Category
	department string
	asks       []issue
}

func requests() []request {
	return []request{
		{"用电", supervision.CategoryFactors, "经济发展局", []issue{
			{"申请协调10kV临时用电接入", "已协调供电公司完成10kV临时用电接入"},
			{"申请加快110kV专用变电站配套线路建设", "配套线路已纳入电网建设计划并开工"},
			{"申请协调双回路供电方案审批", "双回路供电方案已批复"}}},
		{"用地", supervision.CategoryFactors, "规划和自然资源局", []issue{
			{"申请加快剩余12亩用地征收及交地", "剩余用地已完成交地"},
			{"申请协调临时材料堆场用地", "已协调临时用地并办理手续"},
			{"申请办理二期预留用地控制", "二期用地已纳入规划控制"}}},
		{"用水用气", supervision.CategoryFactors, "科学城建设局", []issue{
			{"申请协调DN300市政给水管接驳", "市政给水管已完成接驳"},
			{"申请加快天然气管网接入", "燃气公司已完成管网接入"},
			{"申请协调雨污管网接入市政管网", "雨污管网已接入市政管网"}}},
		{"审批手续", supervision.CategoryPermits, "规划和自然资源局", []issue{
			{"申请并联办理施工图审查与施工许可", "已并联办理完成"},
			{"申请消防设计审查提前介入指导", "审查部门已提前介入，消防设计审查已通过"},
			{"申请按“以函代证”先行开工", "已出具函件，项目已先行开工"}}},
		{"资金融资", supervision.CategoryFactors, "财政局", []issue{
			{"申请协调银行项目贷款授信", "银行已完成授信审批"},
			{"申请拨付上半年建设补助资金", "补助资金已拨付到位"},
			{"申请纳入地方政府专项债券项目库", "已纳入专项债券项目库"}}},
		{"政策兑现", supervision.CategoryOther, "科技创新局", []issue{
			{"申请兑现“金凤凰”政策设备购置补贴", "设备购置补贴已兑现"},
			{"申请兑现研发平台建设补助", "研发平台建设补助已拨付"},
			{"申请纳入高新技术企业培育库", "已纳入培育库并公示"}}},
		{"人才用工", supervision.CategoryFactors, "人力资源和社会保障局", []issue{
			{"申请协调解决引进人才子女入学", "已协调解决入学"},
			{"申请组织专场招聘会补充技术工人", "专场招聘会已举办，用工缺口基本补齐"},
			{"申请人才公寓配租", "人才公寓已完成配租"}}},
		{"交通配套", supervision.CategoryOther, "科学城建设局", []issue{
			{"申请加快项目周边市政道路建设", "周边市政道路已建成通车"},
			{"申请增设公交线路及站点", "公交线路及站点已开通"},
			{"申请完善项目出入口交通组织", "出入口交通组织方案已实施"}}},
	}
}

// scheduleIssues is what "behind schedule" means in each phase.
func scheduleIssues(phase supervision.Phase) []issue {
	switch phase {
	case supervision.PhasePreparation, supervision.PhasePermits:
		return []issue{
			{"可研报告编制进度滞后，尚未报审", "可研报告已报审"},
			{"初步设计方案多次调整，设计节点滞后", "初步设计已定稿并报审"},
			{"选址论证尚未完成，影响后续立项", "选址论证已完成"},
			{"施工总承包招标延期", "施工总承包招标已完成"}}
	case supervision.PhaseAcceptance:
		return []issue{
			{"竣工验收资料整理滞后，影响验收节点", "验收资料已整理完毕并报送"},
			{"消防验收整改未完成", "消防验收整改已完成并通过复验"}}
	}
	p, _ := problemFor("progress.on_schedule")
	return p.issues
}

func inspectorPool() []string {
	return []string{"刘建国", "陈晓燕", "杨志刚", "赵倩", "黄海涛", "周敏", "吴刚", "徐丽娟", "孙磊", "朱婷", "胡斌", "郭蕾"}
}

// thisMonthWork describes a month's work on site by phase; %d takes a floor
// or a percentage.
func thisMonthWork(phase supervision.Phase) []string {
	switch phase {
	case supervision.PhasePreparation:
		return []string{"完成可行性研究报告专家评审意见修改", "推进初步设计方案优化", "完成地勘外业工作", "完成选址论证报告", "开展设计方案比选"}
	case supervision.PhasePermits:
		return []string{"完成施工图审查，正在办理施工许可", "取得建设工程规划许可证", "完成施工总承包招标", "完成场平土石方约%d%%", "办理环评及节能审查手续"}
	case supervision.PhaseConstruct:
		return []string{"主体结构施工至第%d层", "完成地下室底板浇筑约%d%%", "完成二次结构砌筑约%d%%", "机电管线安装完成约%d%%", "幕墙龙骨安装完成约%d%%", "完成桩基施工约%d%%"}
	case supervision.PhaseAcceptance:
		return []string{"完成消防验收", "完成规划核实", "开展竣工验收资料整理", "完成节能专项验收", "整改竣工预验收问题"}
	}
	return []string{"设备运行稳定，完善园区配套设施", "开展设备调试及试运行", "推进入驻单位装修", "完善室外景观及停车场"}
}

func nextMonthWork(phase supervision.Phase) []string {
	switch phase {
	case supervision.PhasePreparation:
		return []string{"完成可研报批", "完成初步设计审查", "推进用地预审"}
	case supervision.PhasePermits:
		return []string{"取得施工许可证", "施工单位进场", "完成施工图审查"}
	case supervision.PhaseConstruct:
		return []string{"主体结构继续上升", "推进机电安装", "推进装饰装修", "完成屋面工程", "开展室外管网施工"}
	case supervision.PhaseAcceptance:
		return []string{"完成竣工验收备案", "完成不动产登记", "移交运营单位"}
	}
	return []string{"持续运营", "完成设备维保", "推进二期前期研究"}
}

func pendingPermits(phase supervision.Phase) []string {
	switch phase {
	case supervision.PhasePreparation:
		return []string{"可研批复：专家评审意见修改中", "用地预审：待规划调整完成", "选址意见书：待规划和自然资源局审查"}
	case supervision.PhasePermits:
		return []string{"施工许可证：施工图审查合格书待出具", "工程规划许可证：方案公示中", "环评批复：报告书技术评估中"}
	case supervision.PhaseConstruct:
		return []string{"无", "消防设计审查变更：已受理", "人防工程审查：资料补充中"}
	case supervision.PhaseAcceptance:
		return []string{"竣工验收备案：资料整理中", "规划核实：已申请", "不动产首次登记：待竣工备案"}
	}
	return []string{"无"}
}
