package briefing

import (
	"sort"
	"strings"
	"time"

	"fieldbrief/report"
	sv "fieldbrief/supervision"
)

// Verdict is what checking a printed document against the records found,
// line by line in both languages. OK holds only when the records are what
// was printed, no amendment replaces them and the file is the one
// fieldbrief wrote.
type Verdict struct {
	OK    bool
	Lines [][2]string
}

func (v *Verdict) say(zh, en string) { v.Lines = append(v.Lines, [2]string{zh, en}) }

// Text is the verdict in one language, a line each.
func (v Verdict) Text(lang sv.Lang) string {
	var b strings.Builder
	for _, l := range v.Lines {
		if lang == sv.English {
			b.WriteString(l[1])
		} else {
			b.WriteString(l[0])
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// VerifySource is what verifying reads: the records, and a project's
// visits to find amendments.
type VerifySource interface {
	Source
	ProjectVisits(projectID string) ([]sv.Visit, error)
}

// PortalCopy fetches the portal's copy of a visit; found is false when the
// portal has none, and unsent names the parts of it (an item key, or
// "header") this laptop changed and has not sent, whose portal version it
// cannot know (syncer.Engine.FetchPortalVisit). Verify asks it only when
// the caller is signed in.
type PortalCopy func(visitID string) (in sv.Visit, found bool, unsent []string, err error)

// errNoStamp is the error of a PDF that carries no fieldbrief stamp.
func errNoStamp() error {
	return sv.Errorf(sv.EInvalid, "此文件不带 fieldbrief 的记录校验信息，无法核对（可能不是 fieldbrief 生成的报告，或由旧版本生成）。",
		"This file carries no fieldbrief record stamp and cannot be verified (not a fieldbrief report, or made by an older version).")
}

// Verify checks a printed document — a visit report, a brief or a tour
// pack — against the records in src, and, for a visit report when
// portalCopy is not nil, against the portal's copy too (decision 0034).
func Verify(src VerifySource, pdf []byte, portalCopy PortalCopy) (Verdict, error) {
	stamp, ok := report.ReadStamp(pdf)
	if !ok {
		return Verdict{}, errNoStamp()
	}
	var v Verdict
	var err error
	switch stamp.Kind {
	case "visit":
		v, err = verifyVisit(src, stamp, portalCopy)
	case "brief", "tour":
		v, err = verifySnapshot(src, stamp)
	default:
		return Verdict{}, errNoStamp()
	}
	if err != nil {
		return v, err
	}
	if sealed, intact := report.CheckSeal(pdf); sealed && !intact {
		v.OK = false
		printed := stamp.Time.Format("2006-01-02 15:04")
		// The file first: whatever the records say, this copy is not
		// what was printed.
		v.Lines = append([][2]string{{"此 PDF 文件在生成后被改动过：它不是 fieldbrief 于 " + printed + " 生成的原文件，内容不可信。",
			"This PDF was changed after it was made: it is not the file fieldbrief wrote at " + printed + ", and its content cannot be trusted."}}, v.Lines...)
	}
	return v, nil
}

// verifyVisit compares a stamped visit report with the store and, when
// given, the portal's copy.
func verifyVisit(s VerifySource, stamp report.Stamp, portalCopy PortalCopy) (Verdict, error) {
	v := Verdict{OK: true}
	printed := stamp.Time.Format("2006-01-02 15:04")
	in, err := s.Visit(stamp.ID)
	if sv.ErrorCode(err) == sv.ENotFound {
		v.OK = false
		v.say("此报告所载督查记录（"+stamp.ID+"）不在该数据文件夹中：它可能来自另一台电脑或另一个数据文件夹，请在那里核对，或先同步。",
			"The visit this report records ("+stamp.ID+") is not in this data folder: it may come from another laptop or folder; verify it there, or sync first.")
		if portalCopy != nil {
			verifyPortalVisit(&v, stamp, portalCopy, false, itemNames{})
		}
		return v, nil
	}
	if err != nil {
		return v, err
	}
	if sv.RecordDigest(in) == stamp.Record {
		v.say("督查记录自 "+printed+" 打印以来未改变（记录校验码 "+stamp.Record[3:19]+"）。",
			"The visit record is unchanged since it was printed at "+printed+" (record check "+stamp.Record[3:19]+").")
	} else {
		v.OK = false
		v.say("督查记录在 "+printed+" 打印之后已改变：打印件与现存记录不一致。",
			"The visit record changed after it was printed at "+printed+": the printed copy no longer matches the stored record.")
		if !in.FinishedAt.IsZero() && in.FinishedAt.After(stamp.Time) {
			v.say("打印时为草稿，之后于 "+in.FinishedAt.In(stamp.Time.Location()).Format("2006-01-02 15:04")+" 提交。",
				"It was a draft when printed and was submitted at "+in.FinishedAt.In(stamp.Time.Location()).Format("2006-01-02 15:04")+".")
		}
		if keys := answeredAfter(in, stamp.Time); len(keys) > 0 {
			zh, en := visitItemNames(s, in).list(keys)
			v.say("打印后修改过的检查项："+zh+"。", "Items changed after printing: "+en+".")
		}
	}
	visits, err := s.ProjectVisits(in.ProjectID)
	if err != nil {
		return v, err
	}
	for _, other := range visits {
		if other.Replaces == in.ID && other.Status == sv.Submitted {
			v.OK = false
			day := other.StartedAt.In(stamp.Time.Location()).Format("2006-01-02")
			v.say("此记录已被更正：更正记录 "+other.ID+"（"+day+"，"+strings.Join(other.Inspectors, "、")+"）取代了它，请以更正记录为准。",
				"This record has been corrected: the amendment "+other.ID+" ("+day+", "+strings.Join(other.Inspectors, ", ")+") replaces it.")
		}
	}
	if portalCopy != nil {
		verifyPortalVisit(&v, stamp, portalCopy, sv.RecordDigest(in) == stamp.Record, visitItemNames(s, in))
	}
	return v, nil
}

// verifyPortalVisit adds what the portal's copy of the visit says, and
// which copy differs when the two disagree.
func verifyPortalVisit(v *Verdict, stamp report.Stamp, portalCopy PortalCopy, localSame bool, names itemNames) {
	in, found, unsent, err := portalCopy(stamp.ID)
	switch {
	case err != nil:
		// The local verdict stands; the portal could not be asked.
		v.say("未能核对平台上的副本（平台现在连不上或登录已过期），以上仅为本机记录的结果；联网并登录后可再核对。",
			"The portal's copy could not be checked (the portal cannot be reached, or the sign-in has expired); the above is this laptop's record only. Verify again once online and signed in.")
	case !found:
		v.say("平台上还没有这条督查记录（可能尚未同步）。", "The portal has no copy of this visit yet (it may not have been synced).")
	case len(unsent) > 0:
		zh, en := names.list(unsent)
		v.say("本机对这条记录的改动（"+zh+"）尚未发送到平台，平台上的副本是改动之前的版本，本机无法逐项核对；同步后再核对。",
			"This laptop has changes to this record not yet sent to the portal ("+en+"); the portal holds the version before them, which cannot be checked from here. Sync, then verify again.")
	case sv.RecordDigest(in) == stamp.Record:
		if localSame {
			v.say("平台上的副本与打印件一致。", "The portal's copy matches the printed report too.")
		} else {
			v.say("平台上的副本与打印件一致：不一致的是本机的记录（打印后在本机改过，可能尚未同步）。",
				"The portal's copy matches the printed report: it is this laptop's record that differs (changed here after printing, perhaps not synced yet).")
		}
	default:
		v.OK = false
		if localSame {
			v.say("平台上的副本与打印件不一致：本机记录与打印件一致，不一致的是平台上的副本（打印后在别处改过，本机尚未同步）。",
				"The portal's copy does not match the printed report: this laptop's record does; it is the portal's copy that differs (changed elsewhere after printing, not yet synced here).")
		} else {
			v.say("平台上的副本也与打印件不一致。", "The portal's copy does not match the printed report either.")
		}
		if keys := answeredAfter(in, stamp.Time); len(keys) > 0 {
			zh, en := names.list(keys)
			v.say("平台副本中打印后修改过的检查项："+zh+"。", "Items changed after printing in the portal's copy: "+en+".")
		}
	}
}

// itemNames names checklist items by their titles in both languages, as
// the visit's checklist version calls them; a key it does not know stays
// as it is.
type itemNames map[string][2]string

func visitItemNames(src Source, in sv.Visit) itemNames {
	names := itemNames{}
	templates, err := src.Templates()
	if err != nil {
		return names
	}
	for _, t := range templates {
		if t.ID == in.TemplateID && t.Version == in.TemplateVersion {
			for _, it := range t.Items() {
				names[it.Key] = [2]string{it.DisplayTitle(sv.Chinese), it.DisplayTitle(sv.English)}
			}
		}
	}
	return names
}

// list joins the items' names in both languages.
func (n itemNames) list(keys []string) (zh, en string) {
	z, e := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		z[i], e[i] = k, k
		if name, ok := n[k]; ok {
			z[i], e[i] = "“"+name[0]+"”", "“"+name[1]+"”"
		}
		if k == "header" {
			z[i], e[i] = "督查概况", "the visit's details"
		}
	}
	return strings.Join(z, "、"), strings.Join(e, ", ")
}

// answeredAfter lists the items answered after t.
func answeredAfter(in sv.Visit, t time.Time) []string {
	var keys []string
	for k, a := range in.Answers {
		if a.AnsweredAt.After(t) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// verifySnapshot compares a stamped brief or tour pack with the snapshot
// rebuilt from the store as of the same moment, and names the projects
// whose part changed and, where it can tell, the findings and visits.
func verifySnapshot(s VerifySource, stamp report.Stamp) (Verdict, error) {
	v := Verdict{OK: true}
	printed := stamp.Time.Format("2006-01-02 15:04")
	asOf := stamp.AsOf.In(stamp.Time.Location()).Format("2006-01-02")
	zhDoc, enDoc := "简报", "brief"
	if stamp.Kind == "tour" {
		zhDoc, enDoc = "拉练资料", "tour pack"
	}
	snap, err := Snapshot(s, stamp)
	if err != nil {
		return v, err
	}
	here := storeTag(s)
	elsewhere := stamp.Store != "" && here != "" && stamp.Store != here
	if snap.Digest == stamp.Record {
		v.say("此"+zhDoc+"所用数据（截至 "+asOf+"）自 "+printed+" 打印以来未改变（数据校验码 "+stamp.Record[3:19]+"）。",
			"The data this "+enDoc+" printed (as of "+asOf+") is unchanged since it was printed at "+printed+" (data check "+stamp.Record[3:19]+").")
		if elsewhere {
			v.say("它是用另一个数据文件夹（或另一台电脑）打印的，该处的数据与本机一致。",
				"It was printed from another data folder (or laptop), whose data agrees with this one.")
		}
		return v, nil
	}
	v.OK = false
	if elsewhere {
		v.say("此"+zhDoc+"不是用本数据文件夹打印的：它来自另一个数据文件夹或另一台电脑，那里的数据与本机不同。请在那里核对，或先同步后再核对。",
			"This "+enDoc+" was not printed from this data folder: it comes from another folder or laptop whose data differs from this one. Verify it there, or sync first.")
	} else {
		v.say("此"+zhDoc+"所用数据（截至 "+asOf+"）在 "+printed+" 打印之后已改变：打印件与现存记录不一致。",
			"The data this "+enDoc+" printed (as of "+asOf+") changed after it was printed at "+printed+": the printed copy no longer matches the records.")
	}
	names := map[string]string{}
	projects, err := s.Projects()
	if err != nil {
		return v, err
	}
	for _, p := range projects {
		names[p.ID] = p.DisplayName()
	}
	now := map[string]string{}
	for _, p := range snap.Projects {
		now[p.ID] = p.Digest
	}
	was := map[string]bool{}
	for _, p := range stamp.Projects {
		was[p.ID] = true
		name, known := names[p.ID]
		switch {
		case !known:
			v.say("项目 "+p.ID+" 已不在项目台账中。", "Project "+p.ID+" is no longer in the register.")
		case now[p.ID] != p.Digest:
			if err := sayProjectChanges(&v, s, p.ID, name, stamp.Time); err != nil {
				return v, err
			}
		}
	}
	for _, p := range snap.Projects {
		if !was[p.ID] {
			v.say("项目“"+names[p.ID]+"”是打印后加入的。", "Project “"+names[p.ID]+"” was added after printing.")
		}
	}
	return v, nil
}

// sayProjectChanges names what changed in one project after t: findings
// created or changed, visits submitted; otherwise its register entry or
// figures.
func sayProjectChanges(v *Verdict, s VerifySource, id, name string, t time.Time) error {
	findings, err := s.FindingRecords()
	if err != nil {
		return err
	}
	var fs []string
	for _, f := range findings {
		if f.ProjectID != id {
			continue
		}
		if f.UpdatedAt.After(t) || f.CreatedAt.After(t) {
			fs = append(fs, "“"+shorten(f.Description, 24)+"”")
		}
	}
	visits, err := s.ProjectVisits(id)
	if err != nil {
		return err
	}
	var days []string
	for _, in := range visits {
		if in.Status == sv.Submitted && in.FinishedAt.After(t) {
			days = append(days, in.StartedAt.In(t.Location()).Format("2006-01-02"))
		}
	}
	switch {
	case len(fs) > 0 || len(days) > 0:
		zh, en := "项目“"+name+"”有变化：", "Project “"+name+"” changed:"
		if len(fs) > 0 {
			zh += "问题 " + strings.Join(fs, "、") + " 在打印后有改动"
			en += " findings changed after printing: " + strings.Join(fs, ", ")
		}
		if len(days) > 0 {
			if len(fs) > 0 {
				zh += "；"
				en += ";"
			}
			zh += strings.Join(days, "、") + " 的督查记录在打印后提交"
			en += " visits of " + strings.Join(days, ", ") + " submitted after printing"
		}
		v.say(zh+"。", en+".")
	default:
		v.say("项目“"+name+"”的台账信息、投资数据或问题记录有变化。", "Project “"+name+"” changed: its register entry, figures or findings.")
	}
	return nil
}

func shorten(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
