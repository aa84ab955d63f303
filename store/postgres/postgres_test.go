package postgres_test

import (
	"testing"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) app.Store { return open(t) })
}
