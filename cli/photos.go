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
	"fieldbrief/translate"
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
	return usageError{msg: c.t("cli.photos.say_import_or_export")}
}

func (c *ctx) photosUsage() {
	fmt.Fprintln(c.Stdout, c.t(
		"cli.photos.usage_fieldbrief_photos_import_data"))
}

func runPhotosImport(c *ctx, args []string) error {
	fs, data := c.flags("photos import", "cli.args.photos_import")
	visit := fs.String("visit", "", c.t("cli.photos.the_visit_the_photos_belong"))
	item := fs.String("item", "", c.t("cli.photos.the_checklist_item_the_photos"))
	finding := fs.String("finding", "", c.t("cli.photos.the_finding_the_photos_belong"))
	after := fs.Bool("after", false, c.t("cli.photos.photos_of_the_rectification_default"))
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
		return usageError{msg: c.t("cli.photos.name_the_visit_with_visit")}
	case *item != "" && *finding != "":
		return usageError{msg: c.t("cli.photos.use_either_item_or_finding")}
	case len(paths) == 0:
		return usageError{msg: c.t("cli.photos.give_the_photo_files_or")}
	}
	s, err := c.open(*data, false)
	if err != nil {
		return err
	}
	defer s.Close()
	link := sv.PhotoLink{VisitID: *visit, ItemKey: *item, FindingID: *finding}
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
		return translate.Wrap(err, sv.EInvalid, "cli.error.cannot_read_import", err.Error())
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
				line = c.t("cli.photos.failed") + translate.Message(r.Err, c.lang)
			}
		}
		fmt.Fprintf(c.Stdout, "%s: %s\n", r.Path, line)
	}
	c.say("cli.photos.files_imported_already_there_rejected",
		len(results), imported, there, rejected, failed)
	if rejected > 0 || failed > 0 {
		return exitCode(1)
	}
	return nil
}

func runPhotosExport(c *ctx, args []string) error {
	fs, data := c.flags("photos export", "cli.args.photos_export")
	id := fs.String("id", "", c.t("cli.photos.the_photos_sha_256"))
	out := fs.String("out", "", c.t("cli.photos.the_file_to_write"))
	original := fs.Bool("original", false, c.t("cli.photos.export_the_original_file_default"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *id == "" || *out == "" {
		return usageError{msg: c.t("cli.photos.name_the_photo_with_id")}
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
	c.say("cli.photos.exported_to_bytes", *out, len(b))
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
		return translate.Wrap(err, sv.EUnavailable, "cli.error.cannot_write_file", path)
	}
	return nil
}
