// Package e2e drives undersign in a real browser (the system's headless
// Chromium through chromedp) against a real server on loopback.
package e2e

import (
	"testing"

	"github.com/undersign/undersign/app/apptest"
)

func TestMain(m *testing.M) { apptest.Main(m) }
