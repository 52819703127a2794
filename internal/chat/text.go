package chat

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// maxQuestionLen bounds the text the parser reads; longer input is cut.
const maxQuestionLen = 2000

var (
	digitCommaRe = regexp.MustCompile(`(\d),(\d{3})`)
	possessiveRe = regexp.MustCompile(`(\w)'s\b`)
	glueModelRe  = regexp.MustCompile(`^(gpt|claude|gemini|llama|mistral|o)(\d[a-z0-9]*)$`)
)

// normalize lowercases s, folds typographic punctuation and drops thousands
// separators, so "What’s the $1,500 budget?" reads as "what's the $1500 budget?".
func normalize(s string) string {
	if len(s) > maxQuestionLen {
		s = s[:maxQuestionLen]
	}
	s = strings.ToValidUTF8(s, " ")
	s = strings.ToLower(s)
	s = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "–", "-", "—", " - ", "×", "x").Replace(s)
	s = possessiveRe.ReplaceAllString(s, "$1")
	for digitCommaRe.MatchString(s) {
		s = digitCommaRe.ReplaceAllString(s, "$1$2")
	}
	return s
}

// tokenize splits normalised text into words of letters, digits and underscores.
// Apostrophes are dropped ("what's" → "whats"); "gpt4o" is split into "gpt", "4o".
func tokenize(s string) []string {
	s = strings.ReplaceAll(s, "'", "")
	f := strings.FieldsFunc(s, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '_')
	})
	out := make([]string, 0, len(f))
	for _, w := range f {
		if m := glueModelRe.FindStringSubmatch(w); m != nil && m[1] != "o" {
			out = append(out, m[1], m[2])
			continue
		}
		out = append(out, w)
	}
	return out
}

// abbreviations are short forms read as the word they stand for.
var abbreviations = map[string]string{"lst": "last", "wk": "week", "wks": "weeks", "mo": "month", "mth": "month",
	"mths": "months", "mos": "months", "yr": "year", "yday": "yesterday", "prev": "previous", "tkns": "tokens",
	"thru": "through", "wek": "week", "mnth": "month", "cust": "customer", "amt": "much", "spnd": "spend", "hw": "how", "wat": "what", "wht": "what"}

// editDistance returns the optimal-string-alignment distance between a and b
// (a transposition counts as one edit), or max+1 once it is certainly above max.
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			c := d[i-1][j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			c = min(c, d[i-1][j]+1, d[i][j-1]+1)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				c = min(c, d[i-2][j-2]+1)
			}
			d[i][j] = c
		}
	}
	return min(d[len(a)][len(b)], max+1)
}

// correct replaces each unknown word by the one known word nearest to it within
// a small edit distance (1 for words of 4–6 letters, 2 for longer ones). Numbers,
// short words and words with several equally near neighbours of different
// meanings are left alone.
func correct(words []string, known map[string]bool) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w
		if a, ok := abbreviations[w]; ok && !known[w] {
			out[i] = a
			continue
		}
		if known[w] || len(w) < 4 || hasDigit(w) || foreignTerms[w] {
			continue
		}
		near := neighbours(w, known)
		if len(near) == 1 || len(near) > 1 && !slices.ContainsFunc(near, func(k string) bool { return !costSense[k] }) {
			// One neighbour, or several that all ask what was spent ("cots":
			// cost or costs).
			out[i] = near[0]
		}
	}
	return out
}

// foreignTerms are words people use of costs that this data has no notion of; they
// are never read as a typo of a known word ("user" is not "used").
var foreignTerms = setOf(strings.Fields(`user users team teams employee employees department departments seat seats
latency error errors revenue profit margin margins storage gpu gpus endpoint endpoints feature features
conversation conversations session sessions invoice invoices carbon emissions footprint tenant_name
prompt_id request_id hour hours minute minutes second seconds
prompts grok xai deepseek qwen cohere perplexity whisper dalle sora copilot midjourney groq`))

func setOf(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// neighbours returns the known words nearest to w within the typo distance (1
// for words of 4–6 letters, 2 for longer ones), sorted. Typos rarely change a
// word's first letter; requiring it keeps ordinary words ("rate") from turning
// into keywords ("date").
func neighbours(w string, known map[string]bool) []string {
	if foreignTerms[w] {
		return nil
	}
	limit := 1
	if len(w) >= 7 {
		limit = 2
	}
	var near []string
	best := limit + 1
	for k := range known {
		if len(k) < 4 || k[0] != w[0] {
			continue
		}
		switch d := editDistance(w, k, limit); {
		case d < best:
			near, best = []string{k}, d
		case d == best && d <= limit:
			near = append(near, k)
		}
	}
	slices.Sort(near)
	return near
}

// sameSense reports whether w is within the typo distance of known words that
// all mean the same, so an ambiguous typo of one meaning ("expensve": expensive
// or expense) reads as that meaning. A typo that could be words of different
// meanings ("mont": month or most) is not guessed at.
func sameSense(w string, known map[string]bool) bool {
	near := neighbours(w, known)
	return len(near) > 0 && !slices.ContainsFunc(near, func(k string) bool { return !costSense[k] })
}

// costSense are the words that all ask what was spent.
var costSense = setOf(append(slices.Clone(costWords), "expenses", "spend", "spent", "spends", "spending"))

func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}
