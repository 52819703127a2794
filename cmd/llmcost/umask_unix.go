//go:build unix

package main

import "syscall"

// restrictNewFiles makes files and directories the process creates private to
// its user (umask 077).
func restrictNewFiles() { syscall.Umask(0o077) }
