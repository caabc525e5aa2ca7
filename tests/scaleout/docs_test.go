package scaleout_test

import (
	"os"
	"strings"
	"testing"
)

// TestDeployDocShowsTheNginxConfig keeps docs/deploy.md's nginx
// configuration the one scripts/scaleout.sh runs. It needs no cluster.
func TestDeployDocShowsTheNginxConfig(t *testing.T) {
	conf, err := os.ReadFile("../../scripts/scaleout/undersign.conf")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "```nginx\n"+string(conf)+"```\n") {
		t.Fatal("docs/deploy.md does not show scripts/scaleout/undersign.conf as it stands: copy the file into its nginx block")
	}
}
