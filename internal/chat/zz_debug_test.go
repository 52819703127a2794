package chat_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestZZDebug(t *testing.T) {
	qs := os.Getenv("QS")
	if qs == "" {
		t.Skip()
	}
	f := setup(t)
	for _, q := range strings.Split(qs, "|") {
		as := ""
		if strings.HasPrefix(q, "@") {
			as, q, _ = strings.Cut(q[1:], " ")
		}
		a, err := f.engine.Ask(context.Background(), principal(as), cost.ChatRequest{Message: q, ConversationID: "dbg"})
		if err != nil {
			t.Logf("%q: %v", q, err)
			continue
		}
		t.Logf("%q\n  -> [%v] %s\n  line: %s", q, a.Understood, a.Answer, a.Interpretation.Line)
	}
}
