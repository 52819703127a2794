package postgres_test

import (
	"context"
	"testing"
)

// BenchmarkDataVersion measures what every cached answer costs a replica: one
// read of the shared data version.
func BenchmarkDataVersion(b *testing.B) {
	m := open(b, schemaDSN(b))
	defer m.Close()
	ctx := context.Background()
	for b.Loop() {
		if _, err := m.DataVersion(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
