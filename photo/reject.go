package photo

import (
	"bytes"
	"fmt"
)

// Code identifies why a file was rejected; it is stable and safe to store or
// to branch on, while the texts may be reworded.
type Code string

// Rejection codes.
const (
	CodeEmpty         Code = "empty"           // zero bytes
	CodeTooLarge      Code = "too_large"       // file over the byte limit
	CodeTooManyPixels Code = "too_many_pixels" // header declares too many pixels
	CodeHEIF          Code = "heif"            // HEIF/HEIC from a phone
	CodeVideo         Code = "video"           // MP4/MOV from a phone or camera
	CodeUnsupported   Code = "unsupported"     // an image, but not JPEG or PNG
	CodeNotImage      Code = "not_image"       // not a picture at all
	CodeTruncated     Code = "truncated"       // data ends early (interrupted copy)
	CodeCorrupt       Code = "corrupt"         // damaged data
	CodeUnreadable    Code = "unreadable"      // the file could not be read
)

// Rejection is the error returned for a file that cannot be imported. Zh and
// En are complete sentences for the user; Err, when set, is the low-level
// cause, for logs.
type Rejection struct {
	Code Code
	Zh   string
	En   string
	Err  error
}

func (r *Rejection) Error() string {
	if r.Err != nil {
		return fmt.Sprintf("%s: %s (%v)", r.Code, r.En, r.Err)
	}
	return fmt.Sprintf("%s: %s", r.Code, r.En)
}

func (r *Rejection) Unwrap() error { return r.Err }

// Message returns the reason in the user's language: "zh" (the default of
// the app) or anything else for English.
func (r *Rejection) Message(lang string) string {
	if lang == "zh" || len(lang) > 2 && lang[:3] == "zh-" || len(lang) > 2 && lang[:3] == "zh_" {
		return r.Zh
	}
	return r.En
}

func rejectEmpty() *Rejection {
	return &Rejection{Code: CodeEmpty,
		Zh: "文件为空（0 字节），可能复制未完成，请重新从相机或手机复制。",
		En: "The file is empty (0 bytes); the copy may not have finished. Copy it again from the camera or phone."}
}

func rejectTooLarge(size, limit int64) *Rejection {
	return &Rejection{Code: CodeTooLarge,
		Zh: fmt.Sprintf("文件过大（%.1f MB），上限为 %d MB。", float64(size)/(1<<20), limit>>20),
		En: fmt.Sprintf("The file is too large (%.1f MB); the limit is %d MB.", float64(size)/(1<<20), limit>>20)}
}

func rejectTooManyPixels(w, h int, limit int64) *Rejection {
	mp := float64(w) * float64(h) / 1e6
	return &Rejection{Code: CodeTooManyPixels,
		Zh: fmt.Sprintf("图片尺寸过大（%d×%d，约 %.0f 百万像素），上限为 %d 百万像素。", w, h, mp, limit/1e6),
		En: fmt.Sprintf("The picture is too large (%d×%d, about %.0f megapixels); the limit is %d megapixels.", w, h, mp, limit/1e6)}
}

func rejectHEIF() *Rejection {
	return &Rejection{Code: CodeHEIF,
		Zh: "这是 HEIF/HEIC 格式的照片，本软件暂不支持。请在手机上改为拍摄 JPEG：iPhone 设置 → 相机 → 格式 → 兼容性最佳；" +
			"或在把照片传到电脑时选择自动转换为 JPEG（iPhone 设置 → 照片 → 传输到 Mac 或 PC → 自动）。",
		En: "This is a HEIF/HEIC photo, which is not supported. Set the phone to take JPEG: on iPhone, Settings → Camera → Formats → Most Compatible; " +
			"or let it convert when copying to a computer (Settings → Photos → Transfer to Mac or PC → Automatic)."}
}

func rejectVideo() *Rejection {
	return &Rejection{Code: CodeVideo,
		Zh: "这是视频文件，不是照片。",
		En: "This is a video file, not a photo."}
}

func rejectUnsupported(format string) *Rejection {
	return &Rejection{Code: CodeUnsupported,
		Zh: fmt.Sprintf("不支持 %s 格式的图片，只能导入 JPEG 或 PNG。", format),
		En: fmt.Sprintf("%s pictures are not supported; only JPEG and PNG can be imported.", format)}
}

func rejectNotImage() *Rejection {
	return &Rejection{Code: CodeNotImage,
		Zh: "该文件不是图片。",
		En: "This file is not a picture."}
}

func rejectTruncated(err error) *Rejection {
	return &Rejection{Code: CodeTruncated, Err: err,
		Zh: "图片数据不完整（文件被截断），可能复制时中断，请重新从相机或手机复制。",
		En: "The picture data is incomplete (the file is truncated); the copy may have been interrupted. Copy it again from the camera or phone."}
}

func rejectCorrupt(err error) *Rejection {
	return &Rejection{Code: CodeCorrupt, Err: err,
		Zh: "图片数据已损坏，无法解码。",
		En: "The picture data is corrupted and cannot be decoded."}
}

func rejectUnreadable(err error) *Rejection {
	return &Rejection{Code: CodeUnreadable, Err: err,
		Zh: "无法读取该文件（可能没有权限或存储卡出错）。",
		En: "The file could not be read (no permission, or a storage card error)."}
}

// sniff classifies a file from its first bytes. Only "jpeg" and "png" are
// decoded; everything else gets a specific rejection, because "unknown
// format" does not tell an inspector what to do.
func sniff(b []byte) (string, *Rejection) {
	switch {
	case len(b) == 0:
		return "", rejectEmpty()
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg", nil
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png", nil
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return "", classifyFtyp(b)
	case bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a")):
		return "", rejectUnsupported("GIF")
	case bytes.HasPrefix(b, []byte("BM")) && len(b) >= 26:
		return "", rejectUnsupported("BMP")
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "", rejectUnsupported("WebP")
	case bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*")):
		// Camera RAW files (CR2, NEF, ARW, DNG) are TIFF containers too.
		return "", rejectUnsupported("TIFF/RAW")
	}
	return "", rejectNotImage()
}

// classifyFtyp looks at the brands of an ISO base media file: HEIF/HEIC
// still images, AVIF, or a video.
func classifyFtyp(b []byte) *Rejection {
	size := int(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
	if size < 16 || size > len(b) || size > 4096 {
		size = min(len(b), 64) // still try the major brand
	}
	var brands []string
	brands = append(brands, string(b[8:12]))
	for i := 16; i+4 <= size; i += 4 {
		brands = append(brands, string(b[i:i+4]))
	}
	for _, br := range brands {
		switch br {
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1":
			return rejectHEIF()
		case "avif", "avis":
			return rejectUnsupported("AVIF")
		}
	}
	return rejectVideo()
}
