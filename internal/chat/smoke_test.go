package chat_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestSmoke(t *testing.T) {
	if os.Getenv("CHAT_SMOKE") == "" {
		t.Skip()
	}
	f := setup(t)
	sc := bufio.NewScanner(strings.NewReader(os.Getenv("CHAT_SMOKE")))
	n := 0
	for sc.Scan() {
		q := sc.Text()
		if strings.HasPrefix(q, "~") {
			q = strings.TrimSpace(q[1:])
		} else {
			n++
		}
		as := ""
		if strings.HasPrefix(q, "@") {
			as, q, _ = strings.Cut(q[1:], " ")
		}
		a, err := f.engine.Ask(context.Background(), principal(as), cost.ChatRequest{Message: q, ConversationID: fmt.Sprint("smoke", n)})
		if err != nil {
			t.Logf("%s\n  ERR %v", q, err)
			continue
		}
		t.Logf("%s\n  -> %s [%v] %v %s", q, a.Answer, a.Understood, a.Links, a.Chart)
	}
}
