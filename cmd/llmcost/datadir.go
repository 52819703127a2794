package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// SpoolDir is the directory inside the data directory where DuckDB spills and
// reads the files it ingests; the store may touch no other file.
const SpoolDir = "tmp"

// prepareDataDir creates the data directory and its spool directory, both
// readable by the server's user only, makes every file the process creates
// from now on private (mode 0600: the store, its WAL, spilled data), and tightens
// the modes of a store written by an older version. It returns the spool
// directory.
func prepareDataDir(dir string) (string, error) {
	restrictNewFiles()
	spool := filepath.Join(dir, SpoolDir)
	if err := os.MkdirAll(spool, 0o700); err != nil {
		return "", fmt.Errorf("cannot create data directory: %w", err)
	}
	for _, d := range []string{dir, spool} {
		if err := os.Chmod(d, 0o700); err != nil {
			return "", fmt.Errorf("cannot restrict data directory: %w", err)
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.duckdb*"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if err := os.Chmod(f, 0o600); err != nil {
			return "", fmt.Errorf("cannot restrict store file: %w", err)
		}
	}
	return spool, nil
}
