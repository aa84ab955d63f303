//go:build !headless

package ui

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// idleChoices are the idle thresholds offered.
var idleChoices = []time.Duration{2 * time.Minute, 3 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour}

// settingsScreen holds this device's preferences and the workspace's name and time zone.
type settingsScreen struct {
	u        *UI
	theme    *widget.RadioGroup
	orgName  *entry
	timezone *selectEntry
	orgForm  *form
	orgSave  *widget.Button
	// orgNote tells a member (who may not change the workspace) that the zone is theirs.
	orgNote *subtle
	// logFile names where the log is written.
	logFile   *widget.Label
	idle      *widget.Select
	autostart *widget.Check
	activity  *widget.Check // measure the running timer's activity
	// rules are the organization's activity settings (activity.go).
	rules     *activityRules
	apiStatus *widget.Label
	copyToken *widget.Button
	copied    *subtle
	rotate    *widget.Button
	// rotateDialog asks before rotating, with rotateCancel and rotateConfirm.
	rotateDialog  *dialog.CustomDialog
	rotateCancel  *dialogButton
	rotateConfirm *dialogButton
	loadedOrg     string // org version shown, so a reload does not clobber typing
	// The Display section (display.go).
	clockSel, weekSel, durationSel *widget.Select
	// reminder is the Reminders section (reminders.go).
	reminder *reminderControls
	// team is the Team server section (sync.go).
	team *teamSection
}

func newSettingsScreen(u *UI) *settingsScreen { return &settingsScreen{u: u} }

func (s *settingsScreen) title() string       { return "Settings" }
func (s *settingsScreen) icon() fyne.Resource { return theme.SettingsIcon() }

func (s *settingsScreen) build() fyne.CanvasObject {
	u := s.u
	// Appearance.
	s.theme = widget.NewRadioGroup([]string{"System", "Light", "Dark"}, s.onTheme)
	s.theme.Horizontal = true
	s.theme.Required = true
	switch u.fyne.Preferences().StringWithFallback(prefTheme, themeSystem) {
	case themeLight:
		s.theme.Selected = "Light"
	case themeDark:
		s.theme.Selected = "Dark"
	default:
		s.theme.Selected = "System"
	}
	appearance := u.section("Appearance", s.theme)
	display := s.displaySection()

	// Workspace.
	s.orgName = newEntry(u.shortcuts, "Workspace name")
	s.timezone = newSelectEntry(u.shortcuts, commonZones)
	s.orgForm = newForm()
	s.orgForm.row(s.orgForm.field("Name", s.orgName, "name"), s.orgForm.field("Time zone (days, weeks and the timesheet use it)", s.timezone, "timezone"))
	s.orgSave = widget.NewButton("Save workspace", s.onSaveOrg)
	s.orgName.OnSubmitted = func(string) { s.onSaveOrg() }
	s.orgForm.clearOnEdit()
	s.orgNote = caption("The workspace's name and time zone are for the team's owners and admins to change. " +
		"The time zone above is yours: your days, weeks and times in this window, the tray and the CLI.")
	s.orgNote.Wrapping = fyne.TextWrapWord
	s.orgNote.Hide()
	workspace := u.section("Workspace", container.NewVBox(s.orgForm.object(), s.orgNote, container.NewHBox(s.orgSave)))

	// Timer.
	var labels []string
	for _, d := range idleChoices {
		labels = append(labels, idleLabel(d))
	}
	s.idle = widget.NewSelect(labels, s.onIdle)
	s.autostart = widget.NewCheck("Start Stint when I log in", s.onAutostart)
	if ok, err := autostartEnabled(); err != nil {
		s.autostart.Disable()
		s.autostart.Text = "Start Stint when I log in (not available on this system)"
	} else {
		s.autostart.Checked = ok
	}
	s.activity = widget.NewCheck("Measure activity while the timer runs", s.onActivity)
	s.rules = newActivityRules(u)
	timer := u.section("Timer", container.NewVBox(
		container.NewHBox(widget.NewLabel("Ask about idle time after"), fixedWidth(160, s.idle)),
		s.activity,
		s.rules.object(),
		s.autostart))

	// Data and the local API.
	dir := widget.NewLabel(u.opts.DataDir)
	dir.Selectable = true
	dir.Truncation = fyne.TextTruncateEllipsis
	openDir := widget.NewButtonWithIcon("Open folder", theme.FolderOpenIcon(), s.onOpenDir)
	if u.opts.DataDir == "" {
		openDir.Disable()
	}
	s.apiStatus = widget.NewLabel("")
	s.apiStatus.Selectable = true
	s.copyToken = widget.NewButtonWithIcon("Copy API token", theme.ContentCopyIcon(), s.onCopyToken)
	s.copied = caption("")
	s.rotate = widget.NewButtonWithIcon("Rotate token…", theme.ViewRefreshIcon(), s.onRotate)
	tokenNote := "The CLI and scripts reach this app's timer through the local API with the token (Authorization: Bearer …)."
	if f := s.tokenFile(); f != "" {
		tokenNote += " It is kept in " + string(f) + ", readable by you only."
	} else {
		s.copyToken.Disable()
		s.rotate.Disable()
	}
	logText := "Standard error only (start Stint from a terminal to see it)"
	if u.opts.LogFile != "" {
		logText = u.opts.LogFile
	}
	s.logFile = widget.NewLabel(logText)
	s.logFile.Selectable = true
	s.logFile.Truncation = fyne.TextTruncateEllipsis
	data := u.section("Data", container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("Stored in"), openDir, dir),
		container.NewBorder(nil, nil, widget.NewLabel("Log"), nil, s.logFile),
		container.NewBorder(nil, nil, widget.NewLabel("Local API"), container.NewHBox(s.copied, s.copyToken, s.rotate), s.apiStatus),
		wrapped(caption(tokenNote)),
	))

	keys := u.section("Keyboard", container.NewGridWithColumns(2,
		widget.NewLabel("Start or stop the timer"), caption("Ctrl+Enter"),
		widget.NewLabel("New entry"), caption("Ctrl+N"),
		widget.NewLabel("Search entries"), caption("Ctrl+F"),
		widget.NewLabel("Import a file"), caption("Ctrl+I"),
		widget.NewLabel("Go to screen 1–10"), caption("Ctrl+1 … Ctrl+9, Ctrl+0"),
		widget.NewLabel("In a dialog: save, close"), caption("Ctrl+Enter, Escape"),
	))
	version := u.opts.Version
	if version == "" {
		version = "dev"
	}
	about := caption("Stint " + version)
	body := container.NewVBox(heading("Settings"), s.teamSection(), appearance, display, workspace, timer, s.remindersSection(), data, keys, about)
	return container.NewScroll(body) // sideways too, in a narrow window
}

func idleLabel(d time.Duration) string {
	if d >= time.Hour {
		return fmt.Sprintf("%d hour", int(d/time.Hour))
	}
	return fmt.Sprintf("%d minutes", int(d/time.Minute))
}

func (s *settingsScreen) refresh() {
	u := s.u
	if key := fmt.Sprintf("%s/%d/%s", u.org.ID, u.org.Version, u.userTZ); key != s.loadedOrg {
		s.loadedOrg = key
		s.orgName.SetText(u.org.Name)
		s.timezone.SetText(u.loc.String())
		s.orgForm.clear()
	}
	// A member of a team (a connected desktop) may not change the workspace, only their own
	// zone: saving the workspace would only be refused.
	if u.actor.Role.Can(app.PermOrgManage) {
		s.orgName.Enable()
		s.orgSave.SetText("Save workspace")
		s.orgNote.Hide()
	} else {
		s.orgName.Disable()
		s.orgSave.SetText("Save my time zone")
		s.orgNote.Show()
	}
	s.apiStatus.SetText(s.apiText())
	s.rules.refresh()
	u.bg(func(ctx context.Context) (func(), error) {
		d, err := u.svc.IdleThreshold(ctx)
		if err != nil {
			return nil, err
		}
		on, err := u.svc.ActivityEnabled(ctx)
		if err != nil {
			return nil, err
		}
		return func() {
			if s.activity.Checked != on {
				cb := s.activity.OnChanged
				s.activity.OnChanged = nil
				s.activity.SetChecked(on)
				s.activity.OnChanged = cb
			}
			label := idleLabel(d)
			if !slices.Contains(s.idle.Options, label) {
				s.idle.Options = append(s.idle.Options, label)
			}
			cb := s.idle.OnChanged
			s.idle.OnChanged = nil
			s.idle.SetSelected(label)
			s.idle.OnChanged = cb
		}, nil
	})
}

func (s *settingsScreen) apiText() string {
	o := s.u.opts
	if o.APIAddr == "" {
		return "not running"
	}
	if o.APIStatus != nil {
		if err := o.APIStatus(); err != nil {
			return "not running: " + err.Error()
		}
	}
	return "http://" + o.APIAddr
}

func (s *settingsScreen) onTheme(choice string) {
	mode := map[string]string{"Light": themeLight, "Dark": themeDark}[choice]
	if mode == "" {
		mode = themeSystem
	}
	s.u.fyne.Preferences().SetString(prefTheme, mode)
	s.u.fyne.Settings().SetTheme(newTheme(mode))
}

func (s *settingsScreen) onSaveOrg() {
	u := s.u
	a, cur := u.actor, u.org
	id, version := cur.ID, cur.Version
	name, tz := s.orgName.Text, strings.TrimSpace(s.timezone.Text)
	s.orgForm.clear()
	manage := a.Role.Can(app.PermOrgManage)
	u.bg(func(ctx context.Context) (func(), error) {
		// The zone is the workspace's and the user's own: the window, the tray, the CLI and
		// reports all show the user's zone first (app.PickZone). A member sets their own.
		org, err := cur, error(nil)
		if manage {
			org, err = u.svc.UpdateOrganization(ctx, a, id, app.OrganizationPatch{Name: &name, Timezone: &tz}, version)
		}
		var me app.User
		if err == nil {
			me, err = u.svc.SetMyTimezone(ctx, a, tz)
		}
		return func() {
			if err != nil {
				if !s.orgForm.show(err) {
					u.showError(err)
				}
				return
			}
			u.userTZ = me.Timezone
			u.setOrg(org)
			u.changed()
		}, nil
	})
}

func (s *settingsScreen) onIdle(label string) {
	i := slices.Index(s.idle.Options, label)
	if i < 0 || i >= len(idleChoices) {
		return
	}
	d := idleChoices[i]
	s.u.bg(func(ctx context.Context) (func(), error) {
		if err := s.u.svc.SetIdleThreshold(ctx, d); err != nil {
			return nil, err
		}
		return func() { s.u.idle.threshold = d }, nil
	})
}

func (s *settingsScreen) onActivity(on bool) {
	s.u.bg(func(ctx context.Context) (func(), error) {
		return nil, s.u.svc.SetActivityEnabled(ctx, on)
	})
}

func (s *settingsScreen) onAutostart(on bool) {
	u := s.u
	exe := u.opts.Executable
	u.bg(func(context.Context) (func(), error) {
		err := setAutostart(on, exe)
		if err != nil {
			return nil, fmt.Errorf("start on login: %w", err)
		}
		return nil, nil
	})
}

func (s *settingsScreen) onOpenDir() {
	u := s.u
	if err := u.fyne.OpenURL(&url.URL{Scheme: "file", Path: storage.NewFileURI(u.opts.DataDir).Path()}); err != nil {
		// Usually no xdg-open (xdg-utils) or no file manager: hand over the path instead.
		u.fyne.Clipboard().SetContent(u.opts.DataDir)
		u.showError(&userError{err: fmt.Errorf("open data folder: %w", err),
			msg: "The data folder could not be opened: this system has no program set up to open folders (" + err.Error() + ").\n\n" +
				"Its path is now on the clipboard: paste it into your file manager. To open folders from Stint, install xdg-utils and a file manager."})
	}
}

// tokenFile is where the local API token's secret is kept: a file in the data directory
// that only the user can read. The database keeps its hash only.
func (s *settingsScreen) tokenFile() app.TokenFile {
	if s.u.opts.DataDir == "" {
		return ""
	}
	return app.LocalTokenFile(s.u.opts.DataDir)
}

// onCopyToken puts the local API token on the clipboard.
func (s *settingsScreen) onCopyToken() {
	u := s.u
	a, f := u.actor, s.tokenFile()
	u.bg(func(ctx context.Context) (func(), error) {
		tok, err := u.svc.LocalAPIToken(ctx, a, f)
		if err != nil {
			return nil, err
		}
		return func() { s.copy(tok, "Copied") }, nil
	})
}

func (s *settingsScreen) copy(tok, note string) {
	u := s.u
	u.fyne.Clipboard().SetContent(tok)
	s.copied.SetText(note)
	time.AfterFunc(3*time.Second, func() { u.do(func() { s.copied.SetText("") }) })
}

// onRotate asks before rotating the local API token: scripts holding the old one stop
// working.
func (s *settingsScreen) onRotate() {
	u := s.u
	msg := widget.NewLabel("A new token replaces the current one, which stops working at once:\n" +
		"scripts and tools using it must be given the new token.\nThe new token is copied to the clipboard.")
	s.rotateDialog = dialog.NewCustomWithoutButtons("Rotate the local API token?", msg, u.win)
	s.rotateCancel = newDialogButton(u, "Cancel", nil, s.rotateDialog.Hide)
	s.rotateConfirm = newDialogButton(u, "Rotate", theme.ViewRefreshIcon(), s.onRotateConfirmed)
	s.rotateConfirm.Importance = widget.DangerImportance
	s.rotateDialog.SetButtons([]fyne.CanvasObject{s.rotateCancel, s.rotateConfirm})
	u.showModal(s.rotateDialog, submitWith(&s.rotateConfirm.Button), nil)
}

func (s *settingsScreen) onRotateConfirmed() {
	u := s.u
	s.rotateDialog.Hide()
	a, f := u.actor, s.tokenFile()
	u.bg(func(ctx context.Context) (func(), error) {
		tok, err := u.svc.RotateLocalAPIToken(ctx, a, f)
		if err != nil {
			return nil, fmt.Errorf("rotate the local API token: %w", err)
		}
		return func() { s.copy(tok, "New token copied") }, nil
	})
}

// wrapped makes secondary text wrap at the width it is given instead of widening the screen.
func wrapped(s *subtle) *subtle {
	s.Wrapping = fyne.TextWrapWord
	return s
}
