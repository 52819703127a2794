//go:build !unix

package main

// restrictNewFiles does nothing where there is no umask.
func restrictNewFiles() {}
