package duckdb_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

func TestOpenWithMemoryLimit(t *testing.T) {
	db, err := duckdb.OpenWith(filepath.Join(t.TempDir(), "l.duckdb"), duckdb.Options{MemoryLimit: "256MiB"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	if err := db.SQL().QueryRow("SELECT current_setting('memory_limit')").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "256.0 MiB"; got != want {
		t.Errorf("memory_limit = %q, want %q", got, want)
	}
	if _, err := duckdb.OpenWith("", duckdb.Options{MemoryLimit: "lots"}); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("bad limit: err = %v, want CodeInvalid", err)
	}
}

// TestOpenHeldByAnotherProcess opens a store another process holds: the error
// says the store is in use and by whom (it used to blame the memory limit).
func TestOpenHeldByAnotherProcess(t *testing.T) {
	if path := os.Getenv("LLMCOST_TEST_HOLD_STORE"); path != "" {
		db, err := duckdb.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		fmt.Println("open")
		io.Copy(io.Discard, os.Stdin) // Hold the store until the parent closes stdin.
		return
	}
	path := filepath.Join(t.TempDir(), "held.duckdb")
	holder := exec.Command(os.Args[0], "-test.run=^TestOpenHeldByAnotherProcess$")
	holder.Env = append(os.Environ(), "LLMCOST_TEST_HOLD_STORE="+path)
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); holder.Wait() }()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "open\n" {
		t.Fatalf("holder said %q, %v; want open", line, err)
	}
	tests := []struct {
		name string
		o    duckdb.Options
	}{
		{"Defaults", duckdb.Options{}},
		{"WithMemoryLimit", duckdb.Options{MemoryLimit: "256MiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := duckdb.OpenWith(path, tt.o)
			if err == nil {
				db.Close()
				t.Fatal("opened a store another process holds")
			}
			if got, want := cost.ErrorCode(err), cost.CodeConflict; got != want {
				t.Errorf("code = %q, want %q (%v)", got, want, err)
			}
			msg := cost.ErrorMessage(err)
			wantPID := fmt.Sprintf("(PID %d)", holder.Process.Pid)
			for _, want := range []string{path, "is in use by", wantPID} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if strings.Contains(msg, "memory limit") {
				t.Errorf("message %q blames the memory limit", msg)
			}
		})
	}
}

// TestOpenLockedDown checks the store reads files only in its allowed
// directories, loads no extension on demand and refuses configuration changes.
func TestOpenLockedDown(t *testing.T) {
	dir := t.TempDir()
	spool := filepath.Join(dir, "tmp")
	if err := os.Mkdir(spool, 0o700); err != nil {
		t.Fatal(err)
	}
	inside, outside := filepath.Join(spool, "in.csv"), filepath.Join(dir, "secret.csv")
	for _, p := range []string{inside, outside} {
		if err := os.WriteFile(p, []byte("a\nsecret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := duckdb.OpenWith(filepath.Join(dir, "l.duckdb"), duckdb.Options{
		TempDirectory: spool, AllowedDirectories: []string{spool + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.SQL().QueryRow("SELECT count(*) FROM read_csv(?)", inside).Scan(&n); err != nil || n != 1 {
		t.Errorf("allowed file: n = %d, err = %v; want 1 row", n, err)
	}
	var got string
	if err := db.SQL().QueryRow("SELECT current_setting('temp_directory')").Scan(&got); err != nil || got != spool {
		t.Errorf("temp_directory = %q, %v; want %q", got, err, spool)
	}
	refused := []string{
		"SELECT * FROM read_csv('" + outside + "')",
		"SELECT * FROM '" + outside + "'",
		"SELECT * FROM read_text('/etc/passwd')",
		"SELECT * FROM glob('/etc/*')",
		"SELECT * FROM 'http://127.0.0.1:1/x.csv'",
		"COPY (SELECT 1) TO '" + filepath.Join(dir, "out.csv") + "'",
		"ATTACH '" + filepath.Join(dir, "other.duckdb") + "' AS other",
		"INSTALL httpfs",
		"LOAD httpfs",
		"SET enable_external_access = true",
		"SET allowed_directories = ['/']",
		"SET lock_configuration = false",
		"SET memory_limit = '100GB'",
		"RESET enable_external_access",
	}
	for _, q := range refused {
		t.Run(q, func(t *testing.T) {
			if _, err := db.SQL().Exec(q); err == nil {
				t.Errorf("accepted, want an error")
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err == nil {
		t.Error("COPY wrote a file outside the allowed directories")
	}
}
