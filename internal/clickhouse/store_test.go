package clickhouse_test

import (
	"testing"

	"github.com/llmcost/llmcost/internal/costtest"
)

func TestStoreSuite(t *testing.T) {
	costtest.StoreSuite(t, opener(serverAddr(t), ""))
}
