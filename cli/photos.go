package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"fieldbrief/photo"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

func runPhotos(c *ctx, args []string) error {
	if len(args) > 0 {
		// Global options were put before the verb; find it.
		for i, a := range args {
			switch a {
			case "import":
				return runPhotosImport(c, append(append([]string(nil), args[:i]...), args[i+1:]...))
			case "export":
				return runPhotosExport(c, append(append([]string(nil), args[:i]...), args[i+1:]...))
			}
		}
	}
	if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
		c.photosUsage()
		return flag.ErrHelp
	}
	c.photosUsage()
	return usageError{msg: c.pick("请指定 import 或 export。", "Say import or export.")}
}

func (c *ctx) photosUsage() {
	fmt.Fprintln(c.Stdout, c.pick(
		"用法：\n  fieldbrief photos import --data 文件夹 --visit 督查编号 [--item 检查项 | --finding 问题编号 [--after]] 文件或文件夹…\n  fieldbrief photos export --data 文件夹 --id SHA256 --out 文件 [--original]",
		"Usage:\n  fieldbrief photos import --data FOLDER --visit ID [--item KEY | --finding ID [--after]] FILE|FOLDER...\n  fieldbrief photos export --data FOLDER --id SHA256 --out FILE [--original]"))
}

func runPhotosImport(c *ctx, args []string) error {
	fs, data := c.flags("photos import", "--visit 督查编号 [--item 检查项 | --finding 问题编号 [--after]] 文件或文件夹…",
		"--visit ID [--item KEY | --finding ID [--after]] FILE|FOLDER...")
	visit := fs.String("visit", "", c.pick("照片所属的督查", "the visit the photos belong to"))
	item := fs.String("item", "", c.pick("照片所属的检查项编号", "the checklist item the photos belong to"))
	finding := fs.String("finding", "", c.pick("照片所属的问题编号", "the finding the photos belong to"))
	after := fs.Bool("after", false, c.pick("整改后照片（默认为问题照片）", "photos of the rectification (default: of the problem)"))
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{msg: err.Error()}
	}
	if l := fs.Lookup("lang").Value.String(); l != "" {
		c.lang = parseLang(l)
	}
	paths := fs.Args()
	switch {
	case *visit == "" && *finding == "":
		return usageError{msg: c.pick("请用 --visit 指定督查（或用 --finding 指定问题）。", "Name the visit with --visit (or the finding with --finding).")}
	case *item != "" && *finding != "":
		return usageError{msg: c.pick("--item 和 --finding 只能选一个。", "Use either --item or --finding, not both.")}
	case len(paths) == 0:
		return usageError{msg: c.pick("请给出要导入的照片文件或文件夹。", "Give the photo files or folders to import.")}
	}
	s, err := c.open(*data, false)
	if err != nil {
		return err
	}
	defer s.Close()
	link := sv.PhotoLink{InspectionID: *visit, ItemKey: *item, FindingID: *finding}
	if *finding != "" {
		link.Role = sv.RoleBefore
		if *after {
			link.Role = sv.RoleAfter
		}
	}
	sink, err := s.NewPhotoSink(link)
	if err != nil {
		return err
	}
	// Ctrl+C stops the batch between photos: what is stored stays whole.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	im := photo.NewImporter(photo.NewProcessor(photo.DefaultOptions()), sink, photo.ImportOptions{})
	results, err := im.Import(ctx, paths, nil)
	if err != nil {
		return sv.Wrap(err, sv.EInvalid, "无法读取要导入的文件："+err.Error(), "Cannot read the files to import: "+err.Error())
	}
	var imported, there, rejected, failed int
	for _, r := range results {
		line := r.Describe(string(c.lang))
		switch r.Status {
		case photo.StatusImported:
			imported++
		case photo.StatusAlreadyThere:
			there++
		case photo.StatusRejected:
			rejected++
		default:
			failed++
			if r.Err != nil {
				line = c.pick("保存失败：", "failed: ") + sv.ErrorMessage(r.Err, c.lang)
			}
		}
		fmt.Fprintf(c.Stdout, "%s: %s\n", r.Path, line)
	}
	c.say("共 %d 个文件：导入 %d，已存在 %d，拒绝 %d，失败 %d。", "Files: %d · imported %d · already there %d · rejected %d · failed %d.",
		len(results), imported, there, rejected, failed)
	if rejected > 0 || failed > 0 {
		return exitCode(1)
	}
	return nil
}

func runPhotosExport(c *ctx, args []string) error {
	fs, data := c.flags("photos export", "--id SHA256 --out 文件 [--original]", "--id SHA256 --out FILE [--original]")
	id := fs.String("id", "", c.pick("照片的 SHA-256", "the photo's SHA-256"))
	out := fs.String("out", "", c.pick("导出的文件", "the file to write"))
	original := fs.Bool("original", false, c.pick("导出原始文件（默认为已转正的显示版）", "export the original file (default: the upright display copy)"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *id == "" || *out == "" {
		return usageError{msg: c.pick("请用 --id 和 --out 指定照片和文件。", "Name the photo with --id and the file with --out.")}
	}
	s, err := c.open(*data, true)
	if err != nil {
		return err
	}
	defer s.Close()
	kind := storage.BlobDisplay
	if *original {
		kind = storage.BlobOriginal
	}
	b, err := s.PhotoBlob(strings.ToLower(*id), kind)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*out, b); err != nil {
		return err
	}
	c.say("已导出到 %s（%d 字节）。", "Exported to %s (%d bytes).", *out, len(b))
	return nil
}

// writeFileAtomic writes data to path so that the file appears whole or not at all.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fieldbrief-*")
	if err == nil {
		_, err = tmp.Write(data)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		return sv.Wrap(err, sv.EUnavailable, "无法写入文件“"+path+"”，请检查路径和权限。", "Cannot write “"+path+"”. Check the path and permissions.")
	}
	return nil
}
