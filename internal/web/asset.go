package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

// asset is one embedded file, with its gzip form and content fingerprint.
type asset struct {
	body        []byte
	gz          []byte // nil when compressing does not pay.
	hash        string // First 16 hex digits of the SHA-256 of body.
	contentType string
	csp         string // Content-Security-Policy of an HTML page; "" for other files.
}

func (a *asset) etag() string { return `"` + a.hash + `"` }

func newAsset(name string, body []byte) (*asset, error) {
	sum := sha256.Sum256(body)
	a := &asset{body: body, hash: hex.EncodeToString(sum[:8]), contentType: contentType(name)}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if buf.Len() < len(body)*9/10 {
		a.gz = buf.Bytes()
	}
	return a, nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case "":
		return "text/plain; charset=utf-8" // LICENSE, NOTICE.
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// loadAssets reads every file under fsys except the shell template.
func loadAssets(fsys fs.FS) (map[string]*asset, error) {
	assets := map[string]*asset{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || name == "index.html" {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		assets[name], err = newAsset(name, body)
		return err
	})
	return assets, err
}

// assetURL returns the fingerprinted URL of an asset.
func assetURL(assets map[string]*asset, name string) string {
	a, ok := assets[name]
	if !ok {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + a.hash
}

// importMap maps every module's plain URL to its fingerprinted URL, so relative
// imports between modules ("./api.js") load the current version and cache forever.
func importMap(assets map[string]*asset) (string, error) {
	names := make([]string, 0, len(assets))
	for name := range assets {
		if strings.HasSuffix(name, ".js") && !strings.HasPrefix(name, "vendor/") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	imports := map[string]string{}
	for _, name := range names {
		imports["/static/"+name] = assetURL(assets, name)
	}
	b, err := json.Marshal(map[string]any{"imports": imports})
	return string(b), err
}

// renderShell fills index.html's asset URLs and import map.
func renderShell(fsys fs.FS, assets map[string]*asset) (*asset, error) {
	src, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		return nil, err
	}
	im, err := importMap(assets)
	if err != nil {
		return nil, err
	}
	t, err := template.New("index.html").Funcs(template.FuncMap{
		"asset":     func(name string) string { return assetURL(assets, name) },
		"importmap": func() string { return im },
	}).Parse(string(src))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, nil); err != nil {
		return nil, err
	}
	a, err := newAsset("index.html", buf.Bytes())
	if err != nil {
		return nil, err
	}
	a.csp = shellCSP(buf.Bytes())
	return a, nil
}

// inlineScript matches the shell's inline scripts (the theme switch and the
// import map); scripts with a src attribute are not inline.
var inlineScript = regexp.MustCompile(`(?s)<script(?: type="importmap")?>(.*?)</script>`)

// shellCSP is the app shell's Content-Security-Policy: scripts from this
// origin and the shell's own inline scripts by hash, styles from this origin
// (ECharts sets style attributes, hence style-src-attr), API calls to this
// origin only, and no framing.
func shellCSP(shell []byte) string {
	scripts := []string{"'self'"}
	for _, m := range inlineScript.FindAllSubmatch(shell, -1) {
		sum := sha256.Sum256(m[1])
		scripts = append(scripts, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	return "default-src 'self'; script-src " + strings.Join(scripts, " ") + "; style-src 'self'; style-src-attr 'unsafe-inline'; " +
		"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}
