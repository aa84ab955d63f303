//go:build !headless

// Command fynebaseline is the smallest Fyne app: one window with one label. The desktop
// benchmark measures it next to Stint, so the figures show what the toolkit and the graphics
// stack cost on their own on the machine at hand.
package main

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := fyneapp.NewWithID("com.stinthq.stint.baseline")
	w := a.NewWindow("Fyne baseline")
	w.SetContent(widget.NewLabel("Fyne baseline: one label."))
	w.Resize(fyne.NewSize(1040, 680)) // the size Stint opens at, so framebuffers match
	w.ShowAndRun()
}
