package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// TestFirstRun_RefusesNewDataDirectory runs each command that reads a store on
// a data directory that does not exist: each fails, names the store file it
// looked for and where the directory came from, and creates nothing.
func TestFirstRun_RefusesNewDataDirectory(t *testing.T) {
	commands := [][]string{
		{"ask", "How much did we spend yesterday?"},
		{"export"},
		{"alerts", "test", "rule-1"},
		{"allocate"},
	}
	for _, args := range commands {
		t.Run(args[0], func(t *testing.T) {
			tests := []struct {
				name, from string
				env        map[string]string
				flags      []string
			}{
				{"default", "the default", nil, nil},
				{"env", "from LLMCOST_DATA", map[string]string{"LLMCOST_DATA": "store"}, nil},
				{"flag", "from --data", nil, []string{"--data", "store"}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					dir := t.TempDir()
					t.Chdir(dir)
					m := newTestMain(tt.env)
					cmdArgs := append([]string{args[0]}, tt.flags...)
					if args[0] == "alerts" {
						cmdArgs = append([]string{"alerts", "test"}, tt.flags...)
						cmdArgs = append(cmdArgs, args[2:]...)
					} else {
						cmdArgs = append(cmdArgs, args[1:]...)
					}
					if err := m.ParseFlags(t.Context(), cmdArgs); err != nil {
						t.Fatal(err)
					}
					err := m.Run(t.Context())
					m.Close()
					if cost.ErrorCode(err) != cost.CodeNotFound {
						t.Fatalf("%v: got %v, want a not_found error", cmdArgs, err)
					}
					sub := "data"
					if tt.env != nil || tt.flags != nil {
						sub = "store"
					}
					msg := userMessage(err)
					want := filepath.Join(dir, sub, StoreFile)
					if real, err := filepath.EvalSymlinks(dir); err == nil && !strings.Contains(msg, want) {
						want = filepath.Join(real, sub, StoreFile)
					}
					for _, s := range []string{want, tt.from, "--init", "ingest --data"} {
						if !strings.Contains(msg, s) {
							t.Errorf("message lacks %q:\n%s", s, msg)
						}
					}
					entries, _ := os.ReadDir(dir)
					if len(entries) != 0 {
						t.Errorf("the command created %v", entries)
					}
				})
			}
		})
	}
}

// TestFirstRun_InitAndEmptyStore checks that --init creates an empty store, that
// an answer from an empty store says there is no data and how to load some,
// and that the same directory is then accepted without --init.
func TestFirstRun_InitAndEmptyStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fresh")
	env := map[string]string{"LLMCOST_DATA": dir, "LLMCOST_LOG_LEVEL": "warn"}
	m := mustRun(t, env, "ask", "--init", "How much did we spend yesterday?")
	out := m.Stdout.(*bytes.Buffer).String()
	for _, s := range []string{"no cost data in " + dir, "ingest --data " + dir + " --format", "aws-cur", "demo"} {
		if !strings.Contains(out, s) {
			t.Errorf("answer on an empty store lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "$0.00") {
		t.Errorf("answer on an empty store gives a figure:\n%s", out)
	}
	m.Close()
	if _, err := os.Stat(filepath.Join(dir, StoreFile)); err != nil {
		t.Fatalf("--init did not create the store: %v", err)
	}
	e := mustRun(t, env, "export")
	if got := e.Stdout.(*bytes.Buffer).String(); strings.Count(got, "\n") != 1 {
		t.Errorf("export of an empty store wrote %q, want only the header", got)
	}
	if got := e.Stderr.(*bytes.Buffer).String(); !strings.Contains(got, "no cost data") {
		t.Errorf("export of an empty store did not say so on stderr: %q", got)
	}
}

// TestFirstRun_DemoPrintsAskLine runs demo, then pastes the ask line it prints:
// the question is answered from the demo's data through its server.
func TestFirstRun_DemoPrintsAskLine(t *testing.T) {
	env := map[string]string{"LLMCOST_NOW": "2026-11-29", "LLMCOST_LOG_LEVEL": "warn"}
	m := mustRun(t, env, "demo", "--addr", "127.0.0.1:0")
	out := m.Stdout.(*bytes.Buffer).String()
	line := regexp.MustCompile(`(?m)^  llmcost ask --server (\S+) --token (\S+) "([^"]+)"$`).FindStringSubmatch(out)
	if line == nil {
		t.Fatalf("demo output lacks a ready-to-paste ask line:\n%s", out)
	}
	if line[1] != m.Server.URL() {
		t.Errorf("ask line names %s, want the demo's %s", line[1], m.Server.URL())
	}
	a := mustRun(t, map[string]string{"LLMCOST_LOG_LEVEL": "warn"}, "ask", "--server", line[1], "--token", line[2], line[3])
	if got := a.Stdout.(*bytes.Buffer).String(); !regexp.MustCompile(`\$[1-9][0-9,]*\.[0-9]{2}`).MatchString(got) {
		t.Errorf("pasted ask answered %q, want a non-zero dollar figure", got)
	}
}
