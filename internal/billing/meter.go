package billing

import (
	"regexp"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// Meter is what a billing meter name, SKU description or usage type says about
// token usage.
type Meter struct {
	Model     string // Canonical model id; "" when the text names none.
	TokenType string // One of the cost.Token* types.
	Tier      string // "batch", "priority", "flex", "provisioned", or "".
}

// meterWord classes.
const (
	wordInput = iota + 1
	wordOutput
	wordCache
	wordWrite
	wordThinking
	wordOn
	wordOff
	wordTier
	wordNoise
)

var meterWords = map[string]int{
	"input": wordInput, "inp": wordInput, "inpt": wordInput,
	"output": wordOutput, "outp": wordOutput, "out": wordOutput, "outpt": wordOutput,
	"cached": wordCache, "caching": wordCache, "cache": wordCache, "read": wordNoise,
	"write": wordWrite, "creation": wordWrite,
	"thinking": wordThinking, "reasoning": wordThinking, "on": wordOn,
	"off": wordOff, "no": wordOff, "non": wordOff,
	"batch": wordTier, "priority": wordTier, "flex": wordTier, "provisioned": wordTier, "ptu": wordTier,
	"tokens": wordNoise, "token": wordNoise, "text": wordNoise, "predictions": wordNoise,
	"prediction": wordNoise, "count": wordNoise, "units": wordNoise, "unit": wordNoise,
	"global": wordNoise, "glbl": wordNoise, "regnl": wordNoise, "regional": wordNoise,
	"dzone": wordNoise, "data": wordNoise, "zone": wordNoise, "cross": wordNoise, "region": wordNoise,
	"long": wordNoise, "mp": wordNoise, "amazon": wordNoise, "bedrock": wordNoise, "edition": wordNoise,
	"per": wordNoise, "1k": wordNoise, "1m": wordNoise, "million": wordNoise, "thousand": wordNoise,
	"short": wordNoise, "generate": wordNoise, "content": wordNoise,
	"ga": wordNoise, "for": wordNoise, "of": wordNoise, "usd": wordNoise, "and": wordNoise,
}

var (
	// reRegionPrefix matches AWS usage-type region prefixes: "USE1-", "EUW2-", "EU-", "MP:USW2_".
	reRegionPrefix = regexp.MustCompile(`^(?:[A-Z]{2,4}\d?-)?(?:MP:[A-Z]{2,4}\d?_)?`)
	reMeterSplit   = regexp.MustCompile(`[^a-z0-9.]+`)
)

// ParseMeter reads the token direction, model and tier from a billing meter or
// SKU text: "USE1-Claude3Sonnet-input-tokens", "Gemini 1.5 Pro Text Input -
// Predictions", "gpt-4o-mini-0718-Inp-glbl Tokens", "gpt 4o 1120 cached Inp glbl
// Tokens", "USW2-MP:USW2_CacheReadInputTokenCount-Units". ok is false when the
// text names no token direction; Model is "" when it names no model.
func ParseMeter(text string) (m Meter, ok bool) {
	s := reRegionPrefix.ReplaceAllString(strings.TrimSpace(text), "")
	s = strings.ToLower(splitCamel(s))
	var in, out, cache, write, thinking, thinkingOn, thinkingOff bool
	var runs [][]string
	var run []string
	for _, w := range reMeterSplit.Split(s, -1) {
		w = strings.Trim(w, ".")
		if w == "" {
			continue
		}
		class := meterWords[w]
		if class == 0 {
			run = append(run, w)
			continue
		}
		if len(run) > 0 {
			runs, run = append(runs, run), nil
		}
		switch class {
		case wordInput:
			in = true
		case wordOutput:
			out = true
		case wordCache:
			cache = true
		case wordWrite:
			write = true
		case wordThinking:
			thinking = true
		case wordOn:
			thinkingOn = thinking
		case wordOff: // "Thinking Off", "no thinking", "Non-thinking".
			thinkingOff = true
		case wordTier:
			m.Tier = w
			if w == "ptu" {
				m.Tier = "provisioned"
			}
		}
	}
	if len(run) > 0 {
		runs = append(runs, run)
	}
	switch {
	case cache && write:
		m.TokenType = cost.TokenCacheWrite
	case cache:
		m.TokenType = cost.TokenCacheRead
	case thinking && !thinkingOn && !thinkingOff:
		m.TokenType = cost.TokenReasoning
	case in:
		m.TokenType = cost.TokenInput
	case out:
		m.TokenType = cost.TokenOutput
	default:
		return Meter{}, false
	}
	m.Model = pickModel(runs)
	return m, true
}

// pickModel returns the first run of words that names a known model family, or "".
func pickModel(runs [][]string) string {
	for _, r := range runs {
		if m := CanonicalModel(strings.Join(r, "-")); KnownFamily(m) {
			return m
		}
	}
	return ""
}

// FindModel returns the canonical model a free text names ("Claude 3 Haiku
// (Amazon Bedrock Edition)" → "claude-3-haiku"), or "".
func FindModel(text string) string {
	s := strings.ToLower(splitCamel(strings.TrimSpace(text)))
	var runs [][]string
	var run []string
	for _, w := range reMeterSplit.Split(s, -1) {
		w = strings.Trim(w, ".")
		if w == "" {
			continue
		}
		if meterWords[w] != 0 {
			if len(run) > 0 {
				runs, run = append(runs, run), nil
			}
			continue
		}
		run = append(run, w)
	}
	if len(run) > 0 {
		runs = append(runs, run)
	}
	return pickModel(runs)
}

// KnownFamily reports whether a canonical model id belongs to a known model family.
func KnownFamily(model string) bool {
	f := cost.ModelFamily(model)
	return f != "" && f != "other"
}
