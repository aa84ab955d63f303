package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

type screenshotsInput struct {
	From     string `query:"from" required:"true" format:"date" doc:"First day, YYYY-MM-DD."`
	To       string `query:"to" required:"true" format:"date" doc:"Last day (inclusive), YYYY-MM-DD; at most 31 days after from."`
	Timezone string `query:"timezone" maxLength:"64" pattern:"^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*)?$" doc:"IANA time zone the days are cut in (not Local); default the user's, else the organization's."`
	UserID   string `query:"user_id" format:"uuid" doc:"Only this user's screenshots (others' need entries.read_all; default: a member's own, everyone's for managers)."`
}

type screenshotList struct {
	Screenshots []app.ScreenshotView `json:"screenshots" nullable:"false" doc:"Screenshots of live entries by time taken."`
}

// screenshotImageOutput is a screenshot's JPEG image, or its thumbnail.
type screenshotImageOutput struct {
	ContentType  string `header:"Content-Type"`
	CacheControl string `header:"Cache-Control"`
	Body         []byte
}

func (s *Server) registerScreenshots() {
	op := s.operation(http.MethodGet, "/v1/screenshots", "list-screenshots", "activity",
		"Screenshots the activity timer took over a date range (members see their own)")
	huma.Register(s.api, op, func(ctx context.Context, in *screenshotsInput) (*struct{ Body screenshotList }, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		user, err := optionalID("user_id", in.UserID)
		if err != nil {
			return nil, err
		}
		list, err := s.svc.ListScreenshots(ctx, a, app.ActivityQuery{From: in.From, To: in.To, Timezone: in.Timezone, UserID: user})
		if err != nil {
			return nil, err
		}
		out := screenshotList{Screenshots: make([]app.ScreenshotView, 0, len(list))}
		for _, sh := range list {
			out.Screenshots = append(out.Screenshots, sh.View())
		}
		return &struct{ Body screenshotList }{out}, nil
	})

	image := func(path, id, summary string, thumb bool) {
		op := s.operation(http.MethodGet, path, id, "activity", summary)
		op.Responses = map[string]*huma.Response{"200": {Description: "A JPEG image.", Content: map[string]*huma.MediaType{"image/jpeg": {}}}}
		huma.Register(s.api, op, func(ctx context.Context, in *idInput) (*screenshotImageOutput, error) {
			a, id, err := rowActor(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			b, err := s.svc.ScreenshotImage(ctx, a, id, thumb)
			if err != nil {
				return nil, err
			}
			// Named by content: the bytes behind an id never change, but a screenshot is
			// personal, so no shared cache keeps it.
			return &screenshotImageOutput{ContentType: "image/jpeg", CacheControl: "private, max-age=86400", Body: b}, nil
		})
	}
	image("/v1/screenshots/{id}", "get-screenshot", "A screenshot's image, JPEG (its user, managers and above)", false)
	image("/v1/screenshots/{id}/thumbnail", "get-screenshot-thumbnail", "A screenshot's thumbnail, JPEG 320 pixels wide", true)

	r := rows[app.ScreenshotView]{s: s, path: "/v1/screenshots", tag: "activity", noun: "screenshot",
		id: func(v app.ScreenshotView) uuid.UUID { return v.ID }, version: func(v app.ScreenshotView) int64 { return v.Version }}
	// Only the screenshot's own user deletes it; the entry's time stays.
	r.deleteRoute(s.svc.DeleteScreenshot)
}
