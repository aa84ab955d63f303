//go:build !headless

package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/stinthq/stint/app"
)

// The team server in the window: the background sync's status (a small item at the foot of
// the sidebar, a line in the tray menu, the Settings section), the dialog that connects to a
// server, and the details dialog with the changes the server refused.

// TeamSignIn is what the connect dialog asks for: the server's address and either an
// account's e-mail and password or an invitation code with the new account's name and
// password.
type TeamSignIn struct {
	URL      string
	Email    string
	Password string
	Code     string
	Name     string
	Timezone string
}

// TeamSession is a signed-in session and the server's address as the client keeps it.
type TeamSession struct {
	URL     string
	Session app.Session
}

// prefRejectionsSeen keeps when the user last looked at the refused changes, so the status
// mentions only newer ones.
const prefRejectionsSeen = "sync.rejections_seen"

// syncView is the background sync as the window shows it. It follows the worker's state
// (Options.Sync) on the UI thread.
type syncView struct {
	u   *UI
	act app.SyncActivity
	// item is the status at the foot of the sidebar, in a few words (the whole status as
	// its tip); it opens the details.
	item *tipButton
	// shown is the status text last shown, logged on change (the smoke test reads it).
	shown string
	// awaiting is set after a connect: the first round brings the team's workspace, which
	// the window then switches to.
	awaiting bool
	// hooks follow each change: the Settings section ("team") and the open details dialog
	// ("details"); a screen built anew replaces its hook.
	hooks map[string]func()
	// details is the open details dialog (tests look into it).
	details *syncDetails
	// connect is the connect dialog last opened (tests fill it in).
	connect *connectDialog
	// loadingMe is set once the account's e-mail has been asked for.
	loadingMe bool
}

func newSyncView(u *UI) *syncView {
	v := &syncView{u: u, hooks: map[string]func(){}}
	v.newItem(nil)
	return v
}

// newItem makes the sidebar's status item, whose tip shows in layer; the window's layout
// (buildMain) makes it anew with each workspace.
func (v *syncView) newItem(layer *tipLayer) *tipButton {
	v.item = newTipButton(layer, "", theme.ConfirmIcon(), v.onDetails)
	v.item.Importance = widget.LowImportance
	v.item.Alignment = widget.ButtonAlignLeading
	v.item.Hide()
	if v.act.Phase != "" {
		v.set(v.act)
	}
	return v.item
}

// start follows the worker; nil without one (no team server support).
func (v *syncView) start() {
	w := v.u.opts.Sync
	if w == nil {
		return
	}
	cancel := w.Subscribe(func(act app.SyncActivity) { v.u.do(func() { v.set(act) }) })
	go func() {
		<-v.u.ctx.Done()
		cancel()
	}()
}

// connected reports whether a team server is set up.
func (v *syncView) connected() bool { return v.act.Phase != "" && v.act.Phase != app.SyncNotConnected }

// set takes the worker's new state.
func (v *syncView) set(act app.SyncActivity) {
	prevRounds := v.act.Rounds
	if v.act.Phase == app.SyncNotConnected && act.Phase != app.SyncNotConnected && act.Phase != "" {
		// Connected, from this window or by 'stint remote login' beside it: the first
		// round may bring another workspace, which the window then opens.
		v.awaiting = true
	}
	if act.Phase == app.SyncNotConnected && v.act.Phase != app.SyncNotConnected {
		v.u.meEmail, v.loadingMe = "", false // signed out: another account may sign in next
	}
	v.act = act
	text, icon := v.status()
	if text != v.shown {
		v.shown = text
		v.u.log.Info("sync status", "status", text, "phase", string(act.Phase), "pending", act.State.Pending)
	}
	if text == "" {
		v.item.Hide()
	} else {
		v.item.full = text
		if v.u.narrow {
			v.item.SetText("")
		} else {
			v.item.SetText(v.short())
		}
		v.item.SetIcon(icon)
		v.item.Show()
	}
	if v.connected() && v.u.meEmail == "" && v.u.timer != nil && !v.loadingMe {
		v.loadingMe = true
		v.loadMe()
	}
	if v.u.tray != nil {
		v.u.tray.build()
	}
	for _, h := range v.hooks {
		h()
	}
	if act.Phase == app.SyncSynced && act.Rounds > prevRounds && (v.awaiting || v.u.onboarding != nil) {
		v.followWorkspace()
	}
}

// followWorkspace switches the window to the workspace the device now acts in, when a
// connect changed it (the team's), once its first round has brought it.
func (v *syncView) followWorkspace() {
	u := v.u
	old := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		a, err := u.svc.LocalActor(ctx)
		if errors.Is(err, app.ErrNotFound) {
			return nil, nil // the team's rows have not all arrived yet
		}
		if err != nil {
			return nil, err
		}
		org, err := u.svc.Organization(ctx, a, a.OrgID)
		if err != nil {
			return nil, err
		}
		return func() {
			v.awaiting = false
			if (a == old || a == u.actor) && u.onboarding == nil {
				return // unchanged, or opened by an earlier round's call already
			}
			u.log.Info("team workspace opened", "organization", org.Name)
			if c := v.connect; c != nil && c.dialog != nil {
				c.dialog.Hide()
			}
			u.onboarding = nil
			u.views = map[screen]fyne.CanvasObject{}
			u.enter(a, org)
		}, nil
	})
}

// status is the short status: what the sidebar item and the tray say ("" when there is no
// team server).
func (v *syncView) status() (string, fyne.Resource) {
	act, loc := v.act, v.u.loc
	waiting := ""
	if n := act.State.Pending; n > 0 {
		waiting = changesWaiting(n)
	}
	switch act.Phase {
	case "", app.SyncNotConnected:
		return "", nil
	case app.SyncStarting:
		return "Connecting to the team server…", theme.ViewRefreshIcon()
	case app.SyncRunning:
		switch p := act.Progress; {
		case p.Pulled > 0:
			if f, ok := p.PullFraction(); ok {
				return fmt.Sprintf("Receiving changes: %s (%d%%)…", thousands(p.Pulled), int(f*100)), theme.DownloadIcon()
			}
			return fmt.Sprintf("Receiving changes: %s…", thousands(p.Pulled)), theme.DownloadIcon()
		case p.Pushed > 0:
			return fmt.Sprintf("Sending changes: %s…", thousands(p.Pushed)), theme.UploadIcon()
		}
		return "Syncing…", theme.ViewRefreshIcon()
	case app.SyncOffline:
		text := "Offline since " + v.u.display().Clock(act.OfflineSince, loc)
		if waiting != "" {
			text += " · " + waiting
		}
		return text, theme.WarningIcon()
	case app.SyncFailing:
		return "Sync error: " + syncErrorShort(act.Err), theme.ErrorIcon()
	}
	refused, setAside := v.newRejections()
	if refused > 0 {
		return fmt.Sprintf("Synced · %d %s refused", refused, plural(refused, "change", "changes")), theme.WarningIcon()
	}
	if setAside > 0 {
		return fmt.Sprintf("Synced · %d %s from the server set aside", setAside, plural(setAside, "change", "changes")), theme.WarningIcon()
	}
	if n := len(act.State.Deferred); n > 0 {
		text := fmt.Sprintf("%d %s from the server waiting", n, plural(n, "change", "changes"))
		if waiting != "" {
			text += " · " + waiting
		}
		return "Synced · " + text, theme.WarningIcon()
	}
	if waiting != "" {
		return waiting, theme.UploadIcon()
	}
	return "Synced", theme.ConfirmIcon()
}

// short is the status in the few words that fit the sidebar; the item's tip, the tray
// and the details say it whole.
func (v *syncView) short() string {
	act := v.act
	switch act.Phase {
	case app.SyncRunning:
		switch p := act.Progress; {
		case p.Pulled > 0:
			if f, ok := p.PullFraction(); ok {
				return fmt.Sprintf("Receiving %d%%…", int(f*100))
			}
			return fmt.Sprintf("Receiving %s…", thousands(p.Pulled))
		case p.Pushed > 0:
			return fmt.Sprintf("Sending %s…", thousands(p.Pushed))
		}
	case app.SyncOffline:
		return "Offline since " + v.u.display().Clock(act.OfflineSince, v.u.loc)
	case app.SyncFailing:
		if msg := syncErrorShort(act.Err); msg != "see details" {
			return "Sync: " + msg
		}
		return "Sync error"
	case app.SyncSynced:
		refused, setAside := v.newRejections()
		switch n := len(act.State.Deferred); {
		case refused > 0:
			return fmt.Sprintf("%d %s refused", refused, plural(refused, "change", "changes"))
		case setAside > 0:
			return fmt.Sprintf("%d set aside", setAside)
		case n > 0:
			return fmt.Sprintf("%d not applied yet", n)
		}
	}
	text, _ := v.status()
	return text
}

// newRejections counts the refused changes, and the server's changes set aside by a
// resync, that the user has not seen in the details yet.
func (v *syncView) newRejections() (refused, setAside int) {
	seen, _ := time.Parse(time.RFC3339Nano, v.u.fyne.Preferences().String(prefRejectionsSeen))
	for _, r := range v.act.State.Rejections {
		switch {
		case !r.At.After(seen):
		case r.Reason == app.RejectNotApplied:
			setAside++
		default:
			refused++
		}
	}
	return refused, setAside
}

func changesWaiting(n int) string {
	return fmt.Sprintf("%s %s waiting", thousands(n), plural(n, "change", "changes"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// thousands writes n with thousands separators: 12,500.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// syncErrorShort names what to do about a sync error in a few words.
func syncErrorShort(err error) string {
	var pe *app.ProtocolError
	switch {
	case errors.As(err, &pe):
		return "update Stint"
	case errors.Is(err, app.ErrUnauthorized):
		return "sign in again"
	case errors.Is(err, app.ErrForbidden):
		return "no access to the team"
	}
	return "see details"
}

// syncErrorText says what went wrong and what to do, in full.
func syncErrorText(err error) string {
	var pe *app.ProtocolError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &pe):
		return "The team server speaks another version of the sync protocol (" + err.Error() + "). Update Stint on this computer, or ask whoever runs the server to update it."
	case errors.Is(err, app.ErrUnauthorized):
		return "The server no longer accepts this device's session (it expired, or it was signed out elsewhere). Disconnect and connect again with your e-mail and password; your changes wait here meanwhile."
	case errors.Is(err, app.ErrForbidden):
		return "The server refuses this account access to the team (" + err.Error() + "). Ask the team's owner or an admin."
	case errors.Is(err, app.ErrUnavailable):
		return "The server cannot be reached (" + err.Error() + "). Stint keeps trying; your changes wait here and nothing is lost."
	}
	return "Syncing failed: " + err.Error() + ". Stint tries again by itself; if this stays, the log has the details."
}

// onDetails opens the details: the state, Sync now, and the refused changes.
func (v *syncView) onDetails() {
	d := newSyncDetails(v)
	v.details = d
	v.u.fyne.Preferences().SetString(prefRejectionsSeen, v.u.svc.Now().Format(time.RFC3339Nano))
	d.show()
	v.set(v.act) // the refused changes are seen now
}

// onSyncNow asks the worker for a round at once.
func (v *syncView) onSyncNow() {
	if w := v.u.opts.Sync; w != nil {
		w.Kick()
	}
}

// syncDetails is the dialog behind the status item.
type syncDetails struct {
	v       *syncView
	dialog  *dialog.CustomDialog
	state   *widget.Label
	detail  *widget.Label
	refused *widget.Label
	// conflicts lists the edits that lost on the team server (loadConflicts).
	conflicts *widget.Label
	syncNow   *dialogButton
	close     *dialogButton
}

func newSyncDetails(v *syncView) *syncDetails {
	return &syncDetails{v: v}
}

func (d *syncDetails) show() {
	u := d.v.u
	d.state = widget.NewLabel("")
	d.state.TextStyle = fyne.TextStyle{Bold: true}
	d.detail = widget.NewLabel("")
	d.detail.Wrapping = fyne.TextWrapWord
	d.refused = widget.NewLabel("")
	d.refused.Wrapping = fyne.TextWrapWord
	d.syncNow = newDialogButton(u, "Sync now", theme.ViewRefreshIcon(), d.v.onSyncNow)
	d.conflicts = widget.NewLabel("")
	d.conflicts.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(d.state, d.detail, widget.NewSeparator(), d.refused, widget.NewSeparator(), d.conflicts)
	if d.v.connected() {
		setText(d.conflicts, "Asking the team server for edits that lost to a later one…")
		u.loadConflicts(func(text string) { setText(d.conflicts, text) })
	}
	scroll := container.NewVScroll(body)
	d.dialog = dialog.NewCustomWithoutButtons("Team server sync", fixedSize(fyne.NewSize(520, 300), scroll), u.win)
	d.close = newDialogButton(u, "Close", nil, d.dialog.Hide)
	d.dialog.SetButtons([]fyne.CanvasObject{d.close, d.syncNow})
	d.refresh()
	d.v.hooks["details"] = d.refresh // the last opened; refreshing it once closed is harmless
	u.showModal(d.dialog, submitWith(&d.syncNow.Button), nil)
}

func (d *syncDetails) refresh() {
	v, u := d.v, d.v.u
	text, _ := v.status()
	if text == "" {
		text = "Not connected to a team server"
	}
	setText(d.state, text)
	var lines []string
	st := v.act.State
	if st.URL != "" {
		lines = append(lines, "Server: "+st.URL)
	}
	if st.LastSuccess != nil {
		lines = append(lines, "Changes last exchanged: "+st.LastSuccess.In(u.loc).Format("Mon 2 Jan 15:04"))
	}
	if msg := syncErrorText(v.act.Err); msg != "" {
		lines = append(lines, msg)
	}
	if v.act.Phase == app.SyncOffline || v.act.Phase == app.SyncFailing {
		lines = append(lines, "Next attempt at "+u.display().Clock(v.act.RetryAt, u.loc)+", or now with Sync now.")
	}
	setText(d.detail, strings.Join(lines, "\n"))
	text = refusedText(st.Rejections, u.loc, u.display())
	if w := deferredText(st.Deferred); w != "" {
		text = w + "\n\n" + text
	}
	setText(d.refused, text)
}

// deferredText lists the rows from the server that wait to be applied here, with why.
func deferredText(ds []app.SyncDeferred) string {
	if len(ds) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s from the server %s to be applied on this computer; each is tried again with every sync:\n",
		len(ds), plural(len(ds), "change", "changes"), plural(len(ds), "waits", "wait"))
	for _, d := range ds {
		fmt.Fprintf(&b, "\n• A %s (%s…): %s.", entityName(string(d.Kind)), d.ID.String()[:8], d.Why)
	}
	return b.String()
}

// refusedText lists the changes the server refused, newest first, with the reason and
// what happened to the data.
func refusedText(rs []app.SyncRejection, loc *time.Location, d app.Display) string {
	refused := 0
	for _, r := range rs {
		if r.Reason != app.RejectNotApplied {
			refused++
		}
	}
	var b strings.Builder
	if refused == 0 {
		b.WriteString("The server has refused none of this device's changes.\n")
	} else {
		fmt.Fprintf(&b, "The server refused %d %s:\n", refused, plural(refused, "change", "changes"))
	}
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		what := entityName(r.Entity)
		if r.Reason == app.RejectNotApplied {
			fmt.Fprintf(&b, "\n• %s, a %s from the server: %s.\n  Set aside when this device pulled everything again; "+
				"this computer's data stayed as it was, and the next pulls bring it again if you may still see it.\n",
				d.Clock(r.At, loc), what, strings.TrimSuffix(r.Message, "."))
			continue
		}
		kept := "Your " + what + " stays on this device as you left it; the server kept its own version, which replaces it here when it next changes there."
		if r.Op == app.OpDelete {
			kept = "The " + what + " is deleted on this device only; the server still has it."
		}
		fmt.Fprintf(&b, "\n• %s, %s %s: %s (%s).\n  %s\n", d.Clock(r.At, loc), verb(r.Op), what, strings.TrimSuffix(r.Message, "."), r.Reason, kept)
	}
	return strings.TrimRight(b.String(), "\n")
}

func verb(op app.ChangeOp) string {
	if op == app.OpDelete {
		return "deleting a"
	}
	return "saving a"
}

func entityName(e string) string {
	switch e {
	case app.EntityTimeEntry:
		return "time entry"
	case "":
		return "change"
	}
	return strings.ReplaceAll(e, "_", " ")
}

// teamSection is the Settings section of the team server.
type teamSection struct {
	v          *syncView
	box        *fyne.Container
	intro      *subtle
	connectBtn *widget.Button
	server     *widget.Label
	state      *widget.Label
	progress   *widget.ProgressBarInfinite
	// done shows how far a pull has come when the server has said (PullFraction).
	done       *widget.ProgressBar
	syncNow    *widget.Button
	details    *widget.Button
	disconnect *widget.Button
	connected  *fyne.Container
	// confirm asks before disconnecting.
	confirm    *dialog.CustomDialog
	confirmBtn *dialogButton
}

func (s *settingsScreen) teamSection() fyne.CanvasObject {
	u := s.u
	v := u.sync
	t := &teamSection{v: v}
	s.team = t
	t.intro = wrapped(caption("Sync this computer's time with your team's server: changes go out as you make them and " +
		"others' arrive within a second. Everything keeps working offline; nothing waiting is lost."))
	t.connectBtn = widget.NewButtonWithIcon("Connect to a team server…", theme.LoginIcon(), v.onConnect)
	t.server = widget.NewLabel("")
	t.server.Selectable = true
	t.server.Truncation = fyne.TextTruncateEllipsis
	t.state = widget.NewLabel("")
	t.state.Wrapping = fyne.TextWrapWord
	t.progress = widget.NewProgressBarInfinite()
	t.progress.Hide()
	t.progress.Stop()
	t.done = widget.NewProgressBar()
	t.done.Hide()
	t.syncNow = widget.NewButtonWithIcon("Sync now", theme.ViewRefreshIcon(), v.onSyncNow)
	t.details = widget.NewButtonWithIcon("Details…", theme.InfoIcon(), v.onDetails)
	t.disconnect = widget.NewButtonWithIcon("Disconnect…", theme.LogoutIcon(), t.onDisconnect)
	t.connected = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("Server"), nil, t.server),
		container.NewBorder(nil, nil, widget.NewLabel("Status"), nil, t.state),
		t.progress, t.done,
		container.NewHBox(t.syncNow, t.details, t.disconnect))
	t.box = container.NewVBox(t.intro, container.NewHBox(t.connectBtn), t.connected)
	v.hooks["team"] = t.refresh
	t.refresh()
	if u.opts.Sync == nil {
		t.connectBtn.Disable()
		t.intro.SetText("This build has no team server support.")
	}
	return u.section("Team server", t.box)
}

func (t *teamSection) refresh() {
	v := t.v
	if !v.connected() {
		t.intro.Show()
		t.connectBtn.Show()
		t.box.Objects[1].Show()
		t.connected.Hide()
		t.progress.Stop()
		t.progress.Hide()
		t.done.Hide()
		return
	}
	t.intro.Hide()
	t.connectBtn.Hide()
	t.box.Objects[1].Hide()
	t.connected.Show()
	server := v.act.State.URL
	if email := v.u.meEmail; email != "" {
		server += "  as  " + email
	}
	setText(t.server, server)
	text, _ := v.status()
	if msg := syncErrorText(v.act.Err); msg != "" {
		text += "\n" + msg
	}
	setText(t.state, text)
	f, known := v.act.Progress.PullFraction()
	switch {
	case v.act.Phase != app.SyncRunning || v.act.Progress.Pulled == 0:
		t.progress.Stop()
		t.progress.Hide()
		t.done.Hide()
	case known:
		t.progress.Stop()
		t.progress.Hide()
		t.done.SetValue(f)
		t.done.Show()
	default:
		t.done.Hide()
		t.progress.Show()
		t.progress.Start()
	}
}

// onDisconnect asks, then forgets the server; the data stays.
func (t *teamSection) onDisconnect() {
	u := t.v.u
	n := t.v.act.State.Pending
	msg := "Stint stops syncing with " + t.v.act.State.URL + ". Everything on this computer stays here."
	if n > 0 {
		msg += "\n\n" + changesWaiting(n) + " to be sent: they go out when you connect to this server again."
	}
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	t.confirm = dialog.NewCustomWithoutButtons("Disconnect from the team server?", fixedWidth(440, l), u.win)
	cancel := newDialogButton(u, "Cancel", nil, t.confirm.Hide)
	t.confirmBtn = newDialogButton(u, "Disconnect", theme.LogoutIcon(), func() {
		t.confirm.Hide()
		u.bg(func(ctx context.Context) (func(), error) {
			if err := u.svc.DisconnectRemote(ctx, app.RemoteTokenFile(u.opts.DataDir)); err != nil {
				return nil, fmt.Errorf("disconnect from the team server: %w", err)
			}
			u.log.Info("disconnected from the team server")
			return t.v.onSyncNow, nil
		})
	})
	t.confirmBtn.Importance = widget.DangerImportance
	t.confirm.SetButtons([]fyne.CanvasObject{cancel, t.confirmBtn})
	u.showModal(t.confirm, submitWith(&t.confirmBtn.Button), nil)
}

// connectDialog asks for the team server's address and an account or an invitation code,
// signs in and connects this device. A computer whose own workspace holds data chooses to
// publish it as a new team or join it to the team, sees the plan's summary, and confirms.
type connectDialog struct {
	v        *syncView
	dialog   *dialog.CustomDialog
	url      *entry
	how      *radioGroup
	email    *entry
	password *entry
	code     *entry
	name     *entry
	newPass  *entry
	account  *fyne.Container
	invite   *fyne.Container
	insecure *check
	errLabel *widget.Label
	note     *subtle
	connect  *dialogButton
	cancel   *dialogButton
	// used is set when this computer's own workspace holds time or a catalog: connecting
	// then publishes it as a new team or joins it to the team on the server (choice).
	used     bool
	existing *fyne.Container
	choice   *radioGroup
	// working runs while the dialog waits on the server or the store.
	working *widget.ProgressBarInfinite
	// summary says what the publish or join will do; confirm carries it out once shown.
	summary *widget.Label
	pending *pendingConnect
}

// pendingConnect is a publish or join whose summary the user is looking at.
type pendingConnect struct {
	mode app.ConnectMode
	in   TeamSignIn
	ts   TeamSession // the join's signed-in session; a publish signs up on confirming
	plan app.ConnectPlan
}

const (
	howAccount = "I have an account"
	howInvite  = "I have an invitation code"
)

// The two ways a computer that tracks time of its own connects.
const (
	choicePublish = "Publish this workspace as a new team"
	choiceJoin    = "Join the team on the server: your entries move into it"
)

// onConnect opens the connect dialog.
func (v *syncView) onConnect() {
	u := v.u
	c := &connectDialog{v: v}
	v.connect = c
	c.url = newEntry(u.shortcuts, "https://stint.example.com")
	c.email = newEntry(u.shortcuts, "you@example.com")
	c.password = newEntry(u.shortcuts, "Password")
	c.password.Password = true
	c.code = newEntry(u.shortcuts, "ABCD-EFGH-…")
	c.name = newEntry(u.shortcuts, "Your name")
	c.name.SetText(u.opts.DefaultName)
	c.newPass = newEntry(u.shortcuts, "At least 8 characters")
	c.newPass.Password = true
	c.how = newRadioGroup(u, []string{howAccount, howInvite}, c.onHow)
	c.how.Horizontal = true
	c.how.Required = true
	c.insecure = newCheck(u, "Send my password over plain http:// anyway (only on a network I trust)", nil)
	c.insecure.Hide()
	c.url.OnChanged = func(string) { c.checkURL() }
	c.errLabel = widget.NewLabel("")
	c.errLabel.Importance = widget.DangerImportance
	c.errLabel.Wrapping = fyne.TextWrapWord
	c.errLabel.Hide()
	c.note = wrapped(caption(""))
	c.note.Hide()
	field := func(label string, w fyne.CanvasObject) fyne.CanvasObject {
		l := widget.NewLabel(label)
		l.TextStyle = fyne.TextStyle{Bold: true}
		l.SizeName = theme.SizeNameCaptionText
		return container.NewVBox(l, w)
	}
	c.account = container.NewVBox(field("E-mail", c.email), field("Password", c.password))
	c.invite = container.NewVBox(field("Invitation code", c.code), field("Your name", c.name), field("Choose a password", c.newPass))
	c.how.SetSelected(howAccount)
	c.choice = newRadioGroup(u, []string{choicePublish, choiceJoin}, func(string) { c.onChoice() })
	c.existing = container.NewVBox(wrapped(caption("This computer already tracks time of its own. Choose what becomes of it; "+
		"you see what moves before anything does.")), c.choice)
	c.existing.Hide()
	c.working = widget.NewProgressBarInfinite()
	c.working.Stop()
	c.working.Hide()
	c.summary = widget.NewLabel("")
	c.summary.Wrapping = fyne.TextWrapWord
	c.summary.Hide()
	body := container.NewVBox(field("Server address", c.url), c.insecure, c.how, c.account, c.invite, c.existing, c.errLabel,
		c.note, c.working, c.summary)
	c.dialog = dialog.NewCustomWithoutButtons("Connect to a team server", fixedWidth(480, body), u.win)
	c.cancel = newDialogButton(u, "Cancel", nil, c.dialog.Hide)
	c.connect = newDialogButton(u, "Connect", theme.LoginIcon(), c.onConnect)
	c.connect.Importance = widget.HighImportance
	c.dialog.SetButtons([]fyne.CanvasObject{c.cancel, c.connect})
	for _, e := range []*entry{c.url, c.email, c.password, c.code, c.name, c.newPass} {
		e.OnSubmitted = func(string) { c.onConnect() }
		changed := e.OnChanged
		e.OnChanged = func(text string) {
			if changed != nil {
				changed(text)
			}
			c.forgetPlan()
		}
	}
	u.showModal(c.dialog, submitWith(&c.connect.Button), nil)
	u.win.Canvas().Focus(c.url)
	u.bg(func(ctx context.Context) (func(), error) {
		used, err := u.svc.LocalWorkspaceUsed(ctx)
		if err != nil {
			return nil, fmt.Errorf("read this computer's workspace: %w", err)
		}
		return func() {
			c.used = used
			if used {
				c.existing.Show()
				c.dialog.Refresh()
			}
		}, nil
	})
}

// onChoice follows the publish-or-join choice: a publish signs up with the e-mail and
// password given, so it takes no invitation.
func (c *connectDialog) onChoice() {
	c.forgetPlan()
	if c.choice.Selected == choicePublish {
		c.how.SetSelected(howAccount)
		c.how.Disable()
		c.note.SetText("The e-mail address and a new password you give here become the team owner's sign-in on the server.")
		c.note.Show()
	} else {
		c.how.Enable()
		c.note.Hide()
	}
	c.dialog.Refresh() // the note's lines change the dialog's height
}

// forgetPlan drops a summary shown for what the fields said before they changed.
func (c *connectDialog) forgetPlan() {
	if c.pending == nil {
		return
	}
	c.pending = nil
	c.summary.Hide()
	c.connect.SetText("Connect")
}

func (c *connectDialog) onHow(choice string) {
	c.forgetPlan()
	if choice == howInvite {
		c.account.Hide()
		c.invite.Show()
	} else {
		c.invite.Hide()
		c.account.Show()
	}
}

// checkURL shows the plain-http confirmation for an address off this machine.
func (c *connectDialog) checkURL() {
	if u, err := serverURL(c.url.Text); err == nil && plainRemote(u) {
		c.insecure.Show()
	} else {
		c.insecure.Hide()
		c.insecure.SetChecked(false)
	}
}

// serverURL reads a server address as typed: https:// is assumed when no scheme is given.
func serverURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw != "" && !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("give the server's address, like https://stint.example.com")
	}
	return u, nil
}

// plainRemote reports an http:// address that is not this machine: the password would
// cross the network unencrypted.
func plainRemote(u *url.URL) bool {
	if u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

func (c *connectDialog) fail(msg string) {
	c.errLabel.SetText(msg)
	c.errLabel.Show()
	c.connect.Enable()
	c.note.Hide()
	c.idle()
}

// busy shows that the dialog waits, saying on what.
func (c *connectDialog) busy(what string) {
	c.connect.Disable()
	c.note.SetText(what)
	c.note.Show()
	c.working.Show()
	c.working.Start()
}

// idle ends busy.
func (c *connectDialog) idle() {
	c.working.Stop()
	c.working.Hide()
}

// onConnect signs in, connects the device and starts the first sync, which brings the
// team's workspace; the window opens it when it has arrived.
func (c *connectDialog) onConnect() {
	v := c.v
	u := v.u
	c.errLabel.Hide()
	su, err := serverURL(c.url.Text)
	if err != nil {
		c.fail(sentence(err.Error()))
		return
	}
	if plainRemote(su) && !c.insecure.Checked {
		c.insecure.Show()
		c.fail("This address is plain http://: your password and everything you sync would cross the network unencrypted. " +
			"Use the server's https:// address, or tick the box above if you trust this network.")
		return
	}
	in := TeamSignIn{URL: su.String(), Timezone: u.opts.DefaultTimezone}
	if c.how.Selected == howInvite {
		in.Code, in.Name, in.Password = strings.TrimSpace(c.code.Text), strings.TrimSpace(c.name.Text), c.newPass.Text
		if in.Code == "" || in.Name == "" || in.Password == "" {
			c.fail("Give the invitation code, your name and a password for your new account.")
			return
		}
	} else {
		in.Email, in.Password = strings.TrimSpace(c.email.Text), c.password.Text
		if in.Email == "" || in.Password == "" {
			c.fail("Give your e-mail address and password on the team server.")
			return
		}
	}
	if u.opts.SignIn == nil || u.opts.Sync == nil {
		c.fail("This build has no team server support.")
		return
	}
	if c.used {
		c.onConnectUsed(in)
		return
	}
	c.busy("Signing in to " + in.URL + "…")
	dir := u.opts.DataDir
	u.bg(func(ctx context.Context) (func(), error) {
		ts, err := u.opts.SignIn(ctx, in)
		if err == nil {
			err = u.svc.ConnectRemote(ctx, app.RemoteTokenFile(dir), ts.URL, ts.Session)
		}
		return func() {
			if err != nil {
				u.log.Info("connect to a team server refused", "err", err)
				c.fail(connectErrorText(err, in))
				return
			}
			c.connected(ts, app.ConnectFresh)
		}, nil
	})
}

// connected follows a connect that went through: the first round brings the team's
// workspace (which the window then opens), or sends the published one.
func (c *connectDialog) connected(ts TeamSession, mode app.ConnectMode) {
	v, u := c.v, c.v.u
	c.idle()
	u.log.Info("connected to a team server", "url", ts.URL, "mode", string(mode))
	u.meEmail = ts.Session.User.Email
	if mode == app.ConnectPublish {
		// The window's workspace stays the same, now the team's: the status shows the
		// upload going out.
		c.dialog.Hide()
	} else {
		c.note.SetText("Connected. Receiving the team's data…")
		c.note.Show()
		v.awaiting = true
	}
	u.opts.Sync.Kick()
}

// onConnectUsed publishes or joins this computer's own workspace: the first Connect shows
// what will happen (nothing has moved yet), the second carries it out.
func (c *connectDialog) onConnectUsed(in TeamSignIn) {
	u := c.v.u
	if p := c.pending; p != nil {
		c.apply(p)
		return
	}
	switch c.choice.Selected {
	case choicePublish:
		if in.Code != "" {
			c.fail("An invitation code joins a team that exists: choose Join, or publish with your e-mail and a new password.")
			return
		}
		if u.opts.Publish == nil {
			c.fail("This build cannot publish a workspace.")
			return
		}
		c.busy("Counting what this workspace holds…")
		u.bg(func(ctx context.Context) (func(), error) {
			plan, err := u.svc.PreviewPublish(ctx)
			return func() {
				if err != nil {
					c.fail(connectErrorText(err, in))
					return
				}
				c.showPlan(&pendingConnect{mode: app.ConnectPublish, in: in, plan: plan})
			}, nil
		})
	case choiceJoin:
		if u.opts.TeamCatalog == nil {
			c.fail("This build cannot join a workspace to a team.")
			return
		}
		c.busy("Signing in to " + in.URL + "…")
		u.bg(func(ctx context.Context) (func(), error) {
			ts, err := u.opts.SignIn(ctx, in)
			if err != nil {
				return func() { c.fail(connectErrorText(err, in)) }, nil
			}
			u.do(func() { c.note.SetText("Reading the team's projects, clients, tasks and tags…") })
			team, err := u.opts.TeamCatalog(ctx, ts)
			var plan app.ConnectPlan
			if err == nil {
				plan, err = u.svc.PlanConnect(ctx, ts.Session, app.ConnectJoin, team)
			}
			return func() {
				if err != nil {
					c.fail(connectErrorText(err, in))
					return
				}
				c.showPlan(&pendingConnect{mode: app.ConnectJoin, in: in, ts: ts, plan: plan})
			}, nil
		})
	default:
		c.fail("Choose what becomes of the time this computer tracked: publish it as a new team, or join the team on the server.")
	}
}

// showPlan shows what the publish or join will do and turns Connect into its confirmation.
func (c *connectDialog) showPlan(p *pendingConnect) {
	c.idle()
	c.errLabel.Hide()
	c.note.Hide()
	org := p.ts.Session.Organization.Name
	c.pending = p
	c.summary.SetText(planSummary(p.plan, p.in.URL, org))
	c.summary.Show()
	if p.mode == app.ConnectPublish {
		c.connect.SetText("Publish")
	} else {
		c.connect.SetText("Move and connect")
	}
	c.connect.Enable()
	c.dialog.Refresh()
}

// apply carries out the summary the user confirmed. A publish signs up on the server now;
// a workspace changed since its summary is summed up again and asked about again.
func (c *connectDialog) apply(p *pendingConnect) {
	u := c.v.u
	dir := u.opts.DataDir
	if p.mode == app.ConnectPublish {
		c.busy("Publishing this workspace on " + p.in.URL + "…")
	} else {
		c.busy("Moving this workspace into " + p.ts.Session.Organization.Name + "…")
	}
	u.bg(func(ctx context.Context) (func(), error) {
		ts, plan := p.ts, p.plan
		var err error
		if p.mode == app.ConnectPublish {
			var req app.PublishInput
			if req, err = u.svc.PublishRequest(ctx, p.in.Email, p.in.Password); err == nil {
				ts, err = u.opts.Publish(ctx, p.in.URL, req)
			}
			if err == nil {
				plan, err = u.svc.PlanConnect(ctx, ts.Session, app.ConnectPublish, app.TeamCatalog{})
			}
		}
		if err == nil {
			err = u.svc.ConnectWorkspace(ctx, app.RemoteTokenFile(dir), ts.URL, ts.Session, plan)
		}
		changed := errors.Is(err, app.ErrConflict) && p.mode == app.ConnectJoin && strings.Contains(err.Error(), "changed since")
		if changed {
			// The user tracked time meanwhile: the new summary, to confirm again.
			if again, perr := u.svc.PlanConnect(ctx, ts.Session, app.ConnectJoin, plan.Team()); perr == nil {
				return func() {
					c.showPlan(&pendingConnect{mode: p.mode, in: p.in, ts: ts, plan: again})
					c.errLabel.SetText("This workspace changed since the summary below was first made; look at it again and confirm.")
					c.errLabel.Show()
				}, nil
			}
		}
		return func() {
			if err != nil {
				u.log.Info("connect to a team server refused", "mode", string(p.mode), "err", err)
				c.forgetPlan()
				msg := connectErrorText(err, p.in)
				if p.mode == app.ConnectPublish && errors.Is(err, app.ErrConflict) {
					msg = "This workspace is on the server already, under another sign-in: publish it again with the e-mail and " +
						"password it was published with, or join the team instead."
				}
				c.fail(msg)
				return
			}
			c.pending = nil
			c.connected(ts, p.mode)
		}, nil
	})
}

// planSummary says what a publish or join takes to the server, before it happens.
func planSummary(p app.ConnectPlan, url, org string) string {
	kinds := []struct {
		one, many string
		n         app.CatalogCounts
	}{{"project", "projects", p.Projects}, {"client", "clients", p.Clients}, {"task", "tasks", p.Tasks}, {"tag", "tags", p.Tags}}
	entries := fmt.Sprintf("%s %s", thousands(p.Entries), plural(p.Entries, "time entry", "time entries"))
	var b strings.Builder
	if p.Mode == app.ConnectPublish {
		var parts []string
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%s %s", thousands(k.n.Created), plural(k.n.Created, k.one, k.many)))
		}
		fmt.Fprintf(&b, "Publishing makes this workspace a new team on %s: %s and %s go to the server as they are. "+
			"Everything stays on this computer too, and keeps syncing from then on.", url, entries, strings.Join(parts, ", "))
		return b.String()
	}
	fmt.Fprintf(&b, "Joining %s on %s: %s move into the team.\n", org, url, entries)
	for _, k := range kinds {
		if k.n.Matched+k.n.Created == 0 {
			continue
		}
		fmt.Fprintf(&b, "• %s: %d matched to the team's by name, %d new\n", strings.ToUpper(k.many[:1])+k.many[1:], k.n.Matched, k.n.Created)
	}
	b.WriteString("This computer's own workspace is then replaced by the team's; nothing is lost.")
	return b.String()
}

// connectErrorText says why connecting failed and what to do.
func connectErrorText(err error, in TeamSignIn) string {
	var pe *app.ProtocolError
	switch {
	case errors.Is(err, app.ErrUnavailable):
		return "The server at " + in.URL + " cannot be reached. Check the address (and its port), your network connection, and that the server is running."
	case errors.As(err, &pe):
		return "The server speaks another version of Stint's sync protocol. Update Stint on this computer or on the server."
	case errors.Is(err, app.ErrUnauthorized) && in.Code == "":
		return "Wrong e-mail or password for this server. Check both and try again."
	case errors.Is(err, app.ErrNotFound) && in.Code != "":
		return "The server knows no invitation with this code. Check it, or ask for a new one (codes work once and expire)."
	case errors.Is(err, app.ErrConflict) && !strings.Contains(err.Error(), "server answered"):
		// The device's own workspace holds data (app.ConnectRemote): close and open the
		// dialog again to choose publish or join.
		return "This computer already tracks time in its own workspace, and " + err.Error() + "."
	case errors.Is(err, app.ErrForbidden) && strings.Contains(err.Error(), "nothing has moved"):
		return sentence(err.Error()) // a join the role may not make (app.ConnectPlan), with what to do
	case errors.Is(err, app.ErrForbidden) && in.Code == "" && in.Email != "":
		return "The server refused to make a new team (" + err.Error() + "): it may not allow sign-up. Ask whoever runs it, or join a team there instead."
	}
	return "Connecting failed: " + err.Error() + "."
}

// loadMe reads the e-mail the device syncs as, for the Settings section.
func (v *syncView) loadMe() {
	u := v.u
	a := u.actor
	u.bg(func(ctx context.Context) (func(), error) {
		me, err := u.svc.Me(ctx, a)
		if err != nil {
			return nil, nil // shown without it
		}
		return func() {
			u.meEmail = me.User.Email
			for _, h := range v.hooks {
				h()
			}
		}, nil
	})
}
