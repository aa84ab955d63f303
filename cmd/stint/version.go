package main

import (
	"fmt"
	"runtime"
)

// versionJSON is what "stint version --json" prints.
type versionJSON struct {
	Version string `json:"version"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

func (c *cli) version(args []string) error {
	fs := newFlagSet("version")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	v := versionJSON{Version: version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if *asJSON {
		return c.printJSON(v)
	}
	fmt.Fprintf(c.stdout, "stint %s (%s, %s/%s)\n", v.Version, v.Go, v.OS, v.Arch)
	return nil
}
