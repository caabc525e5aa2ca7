package web_test

import (
	"testing"

	"github.com/undersign/undersign/app/apptest"
)

// TestMain is the one TestMain of package web_test: it cleans up the
// PostgreSQL databases the tests created. Do not add another.
func TestMain(m *testing.M) { apptest.Main(m) }
