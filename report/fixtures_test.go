package report

import (
	"fmt"
	"sync"
	"time"

	"fieldbrief/supervision"
)

// The fixtures are written out here rather than taken from the sample
// data, so that page counts and golden pages change only when the report
// code does.

var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr(v float64) *float64 { return &v }

func fixtureTemplate() supervision.Template {
	return supervision.Template{ID: "monthly", Version: 2, Title: "重点项目月度督查清单", TitleEn: "Key project monthly checklist", Sections: []supervision.Section{
		{Key: "progress", Title: "工程进度", TitleEn: "Progress", Items: []supervision.Item{
			{Key: "progress.pct", Figure: supervision.FigureImageProgress, Title: "形象进度", TitleEn: "Physical progress", Kind: supervision.KindNumber, Unit: "%", Min: ptr(0), Max: ptr(100), Required: true},
			{Key: "progress.on_schedule", Title: "是否按计划推进", TitleEn: "On schedule", Kind: supervision.KindPassFail, Required: true, FailRaisesFinding: true},
			{Key: "progress.this_month", Title: "本月完成主要工作", TitleEn: "Work done this month", Kind: supervision.KindText},
			{Key: "progress.milestone", Title: "下一节点计划日期", TitleEn: "Next milestone", Kind: supervision.KindDate},
		}},
		{Key: "safety", Title: "安全生产", TitleEn: "Safety", Items: []supervision.Item{
			{Key: "safety.cranes", Title: "塔吊、施工升降机等起重机械验收及使用登记", TitleEn: "Cranes inspected and registered", Kind: supervision.KindPassFail, PhotoRequired: true},
			{Key: "safety.edges", Title: "临边、洞口防护到位（栏杆高度不低于1.2m）", TitleEn: "Edge and opening protection", Kind: supervision.KindPassFail},
			{Key: "safety.works", Title: "危大工程", TitleEn: "Hazardous works under way", Kind: supervision.KindMultiChoice, Options: []string{"深基坑", "高支模", "起重吊装", "脚手架"}},
			{Key: "safety.hazards", Title: "排查隐患数量", TitleEn: "Hazards found", Kind: supervision.KindNumber, Unit: "项", Min: ptr(0)},
		}},
		{Key: "quality", Title: "工程质量", TitleEn: "Quality", Items: []supervision.Item{
			{Key: "quality.concrete", Title: "同条件试块强度（设计C30）", TitleEn: "Concrete cube strength (C30)", Kind: supervision.KindNumber, Unit: "MPa", Min: ptr(30)},
			{Key: "quality.rating", Title: "质量总体评价", TitleEn: "Overall quality", Kind: supervision.KindSingleChoice, Options: []string{"好", "较好", "一般", "差"}, OptionsEn: []string{"Good", "Fairly good", "Fair", "Poor"}},
			{Key: "quality.defects", Title: "质量通病防治", TitleEn: "Common defects prevented", Kind: supervision.KindPassFail},
		}},
	}}
}

var fixtureNames = [20][2]string{
	{"中国科学院重庆科学中心", "中科院科学中心"}, {"国家生物资源库西南分库", "生物资源库"}, {"北京大学重庆大数据研究院", "北大大数据院"},
	{"超瞬态实验装置", "超瞬态装置"}, {"重庆重大科学中心", "重大科学中心"}, {"国家工业设计中心", "工业设计中心"},
	{"联合微电子中心二期", "联合微电子二期"}, {"国际人才社区", "国际人才社区"}, {"金凤实验室", "金凤实验室"},
	{"巴蜀科学城中学", "巴蜀科学城中学"}, {"声光电创新产业园", "声光电创新园"}, {"华润微电子12英寸生产线", "华润微12英寸线"},
	{"平安大健康产业园", "平安大健康园"}, {"光大人工智能产业基地", "光大AI基地"}, {"中国中药产业基地", "中国中药产业基地"},
	{"通用技术机床产业园", "通用技术机床园"}, {"科学谷一期", "科学谷一期"}, {"凤栖湖公园", "凤栖湖公园"},
	{"重庆国际医院", "国际医院"}, {"科技成果中试基地", "中试基地"},
}

func fixtureProjects() []supervision.Project {
	inds := supervision.Industries()
	phases := supervision.Phases()
	lights := []supervision.StatusLight{supervision.LightNormal, supervision.LightNormal, supervision.LightBehind, supervision.LightNormal, supervision.LightCritical}
	var ps []supervision.Project
	for i, n := range fixtureNames {
		plan := float64(20000 + i*7919%90000)
		ps = append(ps, supervision.Project{
			ID: fmt.Sprintf("p%02d", i+1), Name: n[0], ShortName: n[1],
			Industry: inds[i%len(inds)], Chain: "集成电路", Leader: fmt.Sprintf("管委会副主任 %s", []string{"周立新", "王敏", "李强", "陈静"}[i%4]),
			LeadDepartment:     []string{"科技创新局", "经济运行局", "建设管理局", "规划自然资源局"}[i%4],
			ParticipatingUnits: []string{"重庆科学城城市建设发展有限公司", "中建八局第一建设有限公司", "重庆赛迪工程咨询有限公司"},
			Address:            fmt.Sprintf("重庆高新区科学大道%d号", 100+i*13),
			// Sites on a rough grid across the science city.
			Lat: 29.50 + float64(i%5)*0.03, Lon: 106.30 + float64(i/5)*0.03,
			Phase: phases[i%len(phases)], PlannedStart: "2024-03-01", PlannedFinish: "2027-06-30",
			Milestones: []supervision.Milestone{{Name: "主体结构封顶", Planned: "2025-06-30"}},
			Investment: supervision.Investment{Total: plan * 4, AnnualPlan: plan, Completed: plan * float64(5+i*37%95) / 100},
			Light:      lights[i%len(lights)], TemplateID: "monthly",
		})
	}
	// p01's 形象进度 is fixtureVisit's answer, as Figures.Apply gives it;
	// the others have none observed.
	ps[0].ImageProgress = &supervision.ImageProgress{Pct: 46.5, AsOf: "2025-03-12", Source: supervision.SourceVisit}
	return ps
}

// fixtureVisit is a submitted visit to p01 with fails, an out-of-range
// number, and a note with characters the font cannot draw.
func fixtureVisit() (supervision.Visit, []supervision.Finding, []supervision.Finding, PhotoSet) {
	in := supervision.Visit{
		ID: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", ProjectID: "p01", TemplateID: "monthly", TemplateVersion: 2,
		Inspectors: []string{"张伟", "李娜"}, DepartmentsPresent: []string{"建设管理局", "应急管理局"}, Weather: "晴，18℃",
		StartedAt: at("2025-03-12 09:30"), FinishedAt: at("2025-03-12 11:45"), Status: supervision.Submitted,
		Summary: "主体结构施工至第12层，总体按计划推进。临边防护和试块强度存在问题，已当场要求整改😀；𠮷字号商铺门前道路占道施工，已协调。",
		Photos:  []string{"h-site", "h-missing"},
		Answers: map[string]supervision.Answer{
			"progress.pct":         {ItemKey: "progress.pct", Number: ptr(46.5)},
			"progress.on_schedule": {ItemKey: "progress.on_schedule", Verdict: supervision.Pass},
			"progress.this_month":  {ItemKey: "progress.this_month", Text: "完成10～12层主体结构，累计浇筑C30混凝土1,250m³。"},
			"progress.milestone":   {ItemKey: "progress.milestone", Date: "2025-06-30"},
			"safety.cranes":        {ItemKey: "safety.cranes", Verdict: supervision.Pass, Photos: []string{"h-crane"}},
			"safety.edges":         {ItemKey: "safety.edges", Verdict: supervision.Fail, Note: "5层东侧临边栏杆高度仅1.0m，未设挡脚板。", Photos: []string{"h-edge"}},
			"safety.works":         {ItemKey: "safety.works", Choices: []string{"深基坑", "起重吊装"}},
			"quality.concrete":     {ItemKey: "quality.concrete", Number: ptr(28.5), Note: "第一组低于设计值，已委托回弹复核。"},
			"quality.rating":       {ItemKey: "quality.rating", Choices: []string{"较好"}},
			"quality.defects":      {ItemKey: "quality.defects", Verdict: supervision.NotApplicable},
		},
	}
	raised := []supervision.Finding{
		{ID: "f1", ProjectID: "p01", VisitID: in.ID, Kind: supervision.KindProblem, Category: supervision.CategorySafety, Severity: supervision.SeverityMajor,
			Description: "5层东侧临边防护栏杆高度不足1.2m，未设置挡脚板", ResponsibleUnit: "中建八局第一建设有限公司", Deadline: "2025-03-15", Status: supervision.StatusOpen, CreatedAt: in.StartedAt, PhotosBefore: []string{"h-edge"}},
		{ID: "f2", ProjectID: "p01", VisitID: in.ID, Kind: supervision.KindProblem, Category: supervision.CategoryQuality, Severity: supervision.SeverityMinor,
			Description: "同条件养护试块28天强度28.5MPa，低于设计值C30", ResponsibleUnit: "中建八局第一建设有限公司", Deadline: "2025-03-27", Status: supervision.StatusOpen, CreatedAt: in.StartedAt},
		{ID: "f3", ProjectID: "p01", VisitID: in.ID, Kind: supervision.KindRequest, Category: supervision.CategoryFactors,
			Description: "110kV专用变电站接入方案尚未批复，请供电公司加快审查", ResponsibleUnit: "国网重庆高新供电公司", Deadline: "2025-04-15", Status: supervision.StatusOpen, CreatedAt: in.StartedAt},
	}
	rechecked := []supervision.Finding{
		{ID: "f0a", ProjectID: "p01", Kind: supervision.KindProblem, Category: supervision.CategoryDust,
			Description: "车辆冲洗设施未正常使用，出场道路有泥土", ResponsibleUnit: "中建八局第一建设有限公司", Deadline: "2025-02-20", Status: supervision.StatusInProgress, CreatedAt: at("2025-02-10 10:00"),
			Notes: []supervision.Note{{ID: "n1", At: at("2025-03-01 09:00"), By: "王强", Text: "已更换冲洗水泵，待复查"}}},
		{ID: "f0b", ProjectID: "p01", Kind: supervision.KindProblem, Category: supervision.CategoryPermits,
			Description: "建设工程规划许可证（二期）尚未取得", ResponsibleUnit: "规划自然资源局", Deadline: "2025-03-31", Status: supervision.StatusOpen, CreatedAt: at("2025-02-10 10:00")},
		{ID: "f0c", ProjectID: "p01", Kind: supervision.KindProblem, Category: supervision.CategorySafety,
			Description: "配电箱未做重复接地", ResponsibleUnit: "中建八局第一建设有限公司", Deadline: "2025-02-25", Status: supervision.StatusClosed, CreatedAt: at("2025-02-10 10:00")},
	}
	jpegs := fixtureJPEGs()
	photos := PhotoSet{
		"h-site":  {JPEG: jpegs[0], Caption: "3号楼东立面，主体结构施工至12层", Taken: at("2025-03-12 09:40")},
		"h-crane": {JPEG: jpegs[1], Caption: "", Taken: at("2025-03-12 10:05")},
		"h-edge":  {JPEG: jpegs[2], Caption: "5层东侧临边", Taken: at("2025-03-12 10:20")},
		// h-missing has metadata only: its bytes have not been synced.
		"h-missing": {Caption: "基坑监测点", Taken: at("2025-03-12 11:00")},
	}
	return in, raised, rechecked, photos
}

// fixtureJPEGs are made once: encoding is slow under the race detector.
var fixtureJPEGs = sync.OnceValue(func() [][]byte {
	return [][]byte{makeJPEG(1600, 1200, 1), makeJPEG(640, 480, 2), makeJPEG(480, 640, 3)}
})

// smallJPEGs are the brief's photos, one per seed, made once.
var smallJPEGs = sync.OnceValue(func() [][]byte {
	var out [][]byte
	for i := range 24 {
		out = append(out, makeJPEG(320, 240, i))
	}
	return out
})

func fixtureVisitInput() VisitInput {
	in, raised, rechecked, photos := fixtureVisit()
	return VisitInput{Project: fixtureProjects()[0], Visit: in, Template: fixtureTemplate(), Raised: raised, Rechecked: rechecked, Photos: photos}
}

// fixtureBrief has the 20 projects with findings spread over four units,
// some overdue, as of 2025-03-12.
func fixtureBrief(photoEvery int) BriefInput {
	units := []string{"中建八局第一建设有限公司", "规划自然资源局", "国网重庆高新供电公司", "科学城建设发展有限公司"}
	var pds []ProjectData
	for i, p := range fixtureProjects() {
		pd := ProjectData{Project: p, LastVisit: at("2025-03-05 10:00").AddDate(0, 0, -i), VisitsInPeriod: 2,
			Summary: fmt.Sprintf("%s本月按计划推进，完成投资%.0f万元。", p.ShortName, p.Investment.Completed/10)}
		for j := range i % 4 {
			deadline := at("2025-03-12 00:00").AddDate(0, 0, 10-(i*7+j*11)%30)
			pd.Findings = append(pd.Findings, supervision.Finding{
				ID: fmt.Sprintf("f%02d%d", i, j), ProjectID: p.ID, Kind: supervision.KindProblem, Category: supervision.Categories()[(i+j)%8],
				Severity: supervision.Severities()[j%3], Description: fmt.Sprintf("%s存在问题%d：临边防护、扬尘治理或审批手续需整改", p.ShortName, j+1),
				ResponsibleUnit: units[(i+j)%len(units)], Deadline: supervision.DateOf(deadline),
				Status: []supervision.Status{supervision.StatusOpen, supervision.StatusInProgress, supervision.StatusFixed, supervision.StatusClosed}[j%4], CreatedAt: at("2025-01-20 10:00"),
			})
		}
		if photoEvery > 0 {
			for k := range photoEvery {
				pd.Photos = append(pd.Photos, Photo{JPEG: smallJPEGs()[i+k], Caption: fmt.Sprintf("%s现场%d", p.ShortName, k+1), Taken: pd.LastVisit})
			}
		}
		pds = append(pds, pd)
	}
	return BriefInput{PeriodEnd: at("2025-02-15 00:00"), AsOf: at("2025-03-12 16:30"), Projects: pds}
}
