package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes doc in format f.
func Write(f Format, w io.Writer, doc Document) error {
	switch f {
	case CSV:
		return WriteCSV(w, doc)
	case XLSX:
		return WriteXLSX(w, doc)
	case PDF:
		return WritePDF(w, doc)
	case JSON:
		return WriteJSON(w, doc)
	case ICS:
		return WriteICS(w, doc)
	}
	return fmt.Errorf("no writer for format %q", f)
}

// WriteFile writes doc in format f to path through a temporary file in the same folder,
// synced and renamed into place once whole, so a failed export leaves no half a file and
// an existing one as it was. Errors wrap the file system's (fs.ErrPermission, ENOSPC…).
func WriteFile(f Format, path string, doc Document) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	err = Write(f, tmp, doc)
	if err == nil {
		err = tmp.Sync()
	}
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
