package apptest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds the system's Chromium.
func chromiumPath() string {
	if p := os.Getenv("UNDERSIGN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser starts a headless Chromium with a fresh profile for the test and
// returns a context of a tab in it. Without Chromium the test is skipped,
// or fails when UNDERSIGN_REQUIRE_BROWSER=1 (CI sets it).
func Browser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("UNDERSIGN_REQUIRE_BROWSER") == "1" {
			t.Fatal("no Chromium found and UNDERSIGN_REQUIRE_BROWSER=1 (apt-get install chromium)")
		}
		t.Skip("no Chromium found; install Debian's chromium package to run browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	// The first run starts the browser; it must not carry the timeout,
	// which would stop the whole browser (chromedp.Run's doc).
	if err := chromedp.Do(ctx); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("start Chromium: %v", err)
	}
	tctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	return tctx
}

var artifacts struct {
	once sync.Once
	dir  string
}

// ArtifactDir is where browser tests save screenshots: UNDERSIGN_ARTIFACTS
// when set, else a temporary directory named in the log.
func ArtifactDir(t testing.TB) string {
	artifacts.once.Do(func() {
		artifacts.dir = os.Getenv("UNDERSIGN_ARTIFACTS")
		if artifacts.dir == "" {
			artifacts.dir, _ = os.MkdirTemp("", "undersign-artifacts-")
		}
		_ = os.MkdirAll(artifacts.dir, 0o750)
	})
	t.Logf("screenshots are saved under %s", artifacts.dir)
	return artifacts.dir
}

// Screenshot saves a full-page PNG of the tab as <test>-<name>.png.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	safe := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name() + "-" + name)
	path := filepath.Join(ArtifactDir(t), safe+".png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Errorf("save screenshot: %v", err)
	}
	return path
}
