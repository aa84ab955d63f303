package app

import "slices"

// Palette lists the colours offered for projects and tags, in order; new ones without a
// chosen colour get one of these.
func Palette() []string { return slices.Clone(palette) }
