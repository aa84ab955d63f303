package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

// screenshotFilesPath is where devices upload screenshot images before their rows
// (docs/sync.md, "Screenshots").
const screenshotFilesPath = "/v1/screenshot-files/"

// screenshotFileInput is an uploaded JPEG, named by its SHA-256.
type screenshotFileInput struct {
	Hash    string `path:"sha256" minLength:"64" maxLength:"64" pattern:"^[0-9a-f]{64}$" doc:"SHA-256 of the image, 64 lower-case hex digits."`
	RawBody []byte `contentType:"image/jpeg"`
}

// isScreenshotUpload says whether r uploads a screenshot image, whose body may be larger
// than other requests' (bodyLimit).
func isScreenshotUpload(r *http.Request) bool {
	return r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, screenshotFilesPath)
}

func (s *Server) registerScreenshotFiles() {
	op := s.operation(http.MethodPut, screenshotFilesPath+"{sha256}", "put-screenshot-file", "activity",
		"Upload a screenshot's JPEG image by its SHA-256, before its row is pushed")
	op.Description = "The body is the JPEG image as the desktop took it, up to 16 MiB. The server checks that its SHA-256 " +
		"is the path's (422 otherwise) and that it is a JPEG, keeps it for the tenant and makes its thumbnail. Uploading " +
		"an image the server holds already changes nothing, so a retry is safe. A pushed screenshot row whose image is " +
		"not on the server is rejected as invalid."
	op.DefaultStatus = http.StatusNoContent
	op.MaxBodyBytes = app.MaxScreenshotBytes + 1
	op.Errors = append(op.Errors, http.StatusRequestEntityTooLarge)
	huma.Register(s.api, op, func(ctx context.Context, in *screenshotFileInput) (*struct{}, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		if err := s.svc.PutScreenshotImage(ctx, a, in.Hash, in.RawBody); err != nil {
			return nil, err
		}
		return &struct{}{}, nil
	})
}
