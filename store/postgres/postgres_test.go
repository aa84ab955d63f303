package postgres_test

import (
	"testing"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/storetest"
)

// TestConformance holds the store to the suite both stores pass, with its outbox kept (as
// on a device), since the suite checks the outbox too.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) app.Store { return openOutbox(t) })
}
