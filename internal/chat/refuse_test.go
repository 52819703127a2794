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

// TestMustRefuse asks every question of testdata/refuse.txt, shapes the engine
// does not support, and checks that each is refused: not understood, no figure,
// no data, and the interpretation line saying so.
func TestMustRefuse(t *testing.T) {
	f := setup(t)
	file, err := os.Open("testdata/refuse.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	n, refused := 0, 0
	opened := map[string]bool{}
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		as, conv := "", fmt.Sprintf("refuse%d", line)
		for strings.HasPrefix(text, "@") || strings.HasPrefix(text, "~") {
			var tag string
			tag, text, _ = strings.Cut(text, " ")
			if tag[0] == '@' {
				as = tag[1:]
			} else {
				conv = "refuse-" + tag[1:]
			}
		}
		a, err := f.engine.Ask(context.Background(), principal(as), cost.ChatRequest{Message: text, ConversationID: conv})
		if err != nil {
			t.Errorf("line %d %q: %v", line, text, err)
			continue
		}
		if strings.HasPrefix(conv, "refuse-") && !opened[conv] {
			// A conversation's first question sets it up and must be answered.
			opened[conv] = true
			if !a.Understood {
				t.Errorf("line %d %q: opening question not understood: %s", line, text, a.Answer)
			}
			continue
		}
		n++
		if msg := refusal(a); msg != "" {
			t.Errorf("line %d %q: %s", line, text, msg)
			continue
		}
		refused++
	}
	for _, q := range loadQuestions(t, "testdata/heldout.txt") {
		if q.want.kind != "refuse" {
			continue
		}
		n++
		a, err := f.engine.Ask(context.Background(), principal(q.as), cost.ChatRequest{Message: q.text})
		if err != nil {
			t.Errorf("heldout.txt:%d %q: %v", q.line, q.text, err)
			continue
		}
		if msg := refusal(a); msg != "" {
			t.Errorf("heldout.txt:%d %q: %s", q.line, q.text, msg)
			continue
		}
		refused++
	}
	t.Logf("refused %d/%d", refused, n)
	if n < 60 {
		t.Errorf("must-refuse set has %d questions, want at least 60", n)
	}
}

// refusal says what is wrong with a as a refusal, or "" when it is one: not
// understood, no figure, no data, an interpretation line saying so and
// suggestions of what can be asked.
func refusal(a *cost.ChatAnswer) string {
	switch {
	case a.Understood:
		return "answered: " + a.Answer
	case strings.Contains(a.Answer, "$") || a.Data != nil:
		return "refusal holds a figure: " + a.Answer
	case a.Interpretation == nil || !strings.HasPrefix(a.Interpretation.Line, "Not understood"):
		return fmt.Sprintf("interpretation %+v", a.Interpretation)
	case len(a.Suggestions) == 0:
		return "no suggestions"
	}
	return ""
}
