package billing

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// vendorPrefixes are stripped from model ids: Bedrock geo and vendor prefixes,
// API path prefixes, and gateway prefixes.
var vendorPrefixes = []string{
	"publishers/google/models/", "publishers/anthropic/models/", "projects/", "models/",
	"azure_ai/", "azure/", "bedrock/", "vertex_ai/", "openai/", "anthropic/", "gemini/", "google/",
	"meta-llama/", "mistralai/", "meta/",
	"us-gov.", "global.", "apac.", "us.", "eu.", "jp.", "au.", "ca.",
	"anthropic.", "meta.", "mistral.", "amazon.", "cohere.", "ai21.", "deepseek.", "qwen.",
	"openai.", "google.", "writer.",
}

var (
	reBedrockVersion = regexp.MustCompile(`-v\d+(:\d+)?$|:\d+$`)
	reDashes         = regexp.MustCompile(`-+`)
	// reDeepSeekModel matches what is left of a DeepSeek id without its vendor
	// prefix: "r1", "v3", "v3.1".
	reDeepSeekModel = regexp.MustCompile(`^[rv]\d+(\.\d+)?$`)
	// reSuffix matches one trailing version noise: dates, snapshots, preview tags.
	reSuffix = regexp.MustCompile(`-(\d{8}|\d{4}-\d{2}-\d{2}|\d{4}|\d{3}|latest|preview(-\d{2}-\d{2})?|exp(-\d{4})?|instruct|chat|ga|global|glbl|v\d+)$`)
)

// CanonicalModel returns one model id for the many spellings clouds and gateways
// use: "Claude3.5Sonnet", "anthropic.claude-3-5-sonnet-20240620-v1:0",
// "claude-3-5-sonnet@20240620" → "claude-3-5-sonnet"; "gpt-4o-2024-08-06" →
// "gpt-4o"; "Gemini 1.5 Pro" → "gemini-1.5-pro"; "meta.llama3-1-70b-instruct-v1:0"
// → "llama-3.1-70b". Unknown names are lower-cased and hyphenated. It is idempotent.
func CanonicalModel(raw string) string {
	s := strings.TrimSpace(raw)
	if i := strings.IndexByte(s, '@'); i > 0 {
		s = s[:i]
	}
	s = strings.ReplaceAll(strings.ToLower(splitCamel(s)), "deep-seek", "deepseek") // "DeepSeek-R1".
	s = strings.ReplaceAll(s, "deepseek-v-", "deepseek-v")                          // "DeepSeekV3".
	for trimmed := true; trimmed; {
		trimmed = false
		for _, p := range vendorPrefixes {
			if strings.HasPrefix(s, p) && len(s) > len(p) {
				s, trimmed = s[len(p):], true
			}
		}
	}
	if t := reBedrockVersion.ReplaceAllString(s, ""); t != "deepseek" {
		s = t
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' || r == '/' || r == ':' {
			return '-'
		}
		return r
	}, s)
	s = strings.Trim(reDashes.ReplaceAllString(s, "-"), "-")
	for {
		t := reSuffix.ReplaceAllString(s, "")
		if t == s || t == "" || t == "deepseek" { // DeepSeek's "-v3" is the model, not a version.
			break
		}
		s = t
	}
	words := strings.Split(s, "-")
	switch {
	case words[0] == "claude":
		return claudeID(words)
	case words[0] == "gpt":
		return gptID(words)
	case words[0] == "llama":
		return joinVersion(words)
	case words[0] == "gemini":
		return geminiID(words)
	case len(words) == 1 && reDeepSeekModel.MatchString(words[0]): // Bedrock "deepseek.v3-v1:0".
		return "deepseek-" + words[0]
	}
	return s
}

// splitCamel inserts hyphens at word boundaries in ids like "Claude3.5Sonnet",
// "MistralLarge" or "Llama4": lower→upper, a letter run of three or more → digit,
// and digit → capitalised word. Short runs ("o3", "4o", "7B") stay whole.
func splitCamel(s string) string {
	rs := []rune(s)
	var b strings.Builder
	run := 0 // Length of the current letter run.
	for i, r := range rs {
		if i > 0 {
			p := rs[i-1]
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			switch {
			case unicode.IsLower(p) && unicode.IsUpper(r):
				b.WriteByte('-')
			case unicode.IsLetter(p) && unicode.IsDigit(r) && run >= 3:
				b.WriteByte('-')
			case unicode.IsDigit(p) && unicode.IsUpper(r) && unicode.IsLower(next):
				b.WriteByte('-')
			}
		}
		if unicode.IsLetter(r) {
			run++
		} else {
			run = 0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// claudeVariants are the Claude model sizes.
var claudeVariants = map[string]bool{"sonnet": true, "haiku": true, "opus": true, "instant": true}

// claudeID rebuilds a Claude id: "claude-3-5-sonnet" before version 4,
// "claude-sonnet-4-5" from version 4 on (Anthropic's own naming).
func claudeID(words []string) string {
	var variant string
	var version []string
	for _, w := range words[1:] {
		switch {
		case claudeVariants[w]:
			variant = w
		case isNumber(w):
			version = append(version, strings.Split(w, ".")...)
		}
	}
	if len(version) > 1 && version[len(version)-1] == "0" {
		version = version[:len(version)-1]
	}
	v := strings.Join(version, "-")
	switch {
	case variant == "" && v == "":
		return "claude"
	case variant == "":
		return "claude-" + v
	case v == "":
		return "claude-" + variant
	case version[0] >= "4" || len(version[0]) > 1:
		return "claude-" + variant + "-" + v
	}
	return "claude-" + v + "-" + variant
}

// gptID fixes Azure spellings: "gpt-35-turbo" → "gpt-3.5-turbo".
func gptID(words []string) string {
	if len(words) > 1 && words[1] == "35" {
		words[1] = "3.5"
	}
	return strings.Join(words, "-")
}

// geminiID drops the ".0" of Gemini versions from 3 on, as Google's model ids
// do ("Gemini 3.0 Pro" in a Vertex AI SKU → "gemini-3-pro", the id of
// "gemini-3-pro-preview"); earlier ids keep it ("gemini-2.0-flash").
func geminiID(words []string) string {
	if len(words) > 1 && strings.HasSuffix(words[1], ".0") {
		if major, err := strconv.Atoi(strings.TrimSuffix(words[1], ".0")); err == nil && major >= 3 {
			words[1] = strconv.Itoa(major)
		}
	}
	return strings.Join(words, "-")
}

// joinVersion joins consecutive numeric words with dots: "llama-3-1-70b" → "llama-3.1-70b".
func joinVersion(words []string) string {
	out := []string{words[0]}
	for i := 1; i < len(words); i++ {
		w := words[i]
		if isNumber(w) && isNumber(words[i-1]) && i > 1 {
			out[len(out)-1] += "." + w
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, "-")
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && s != "" && s[0] != '+' && s[0] != '-'
}
