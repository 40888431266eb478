package examples_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dockerfile is the example image's Dockerfile, from this folder.
const dockerfile = "../Dockerfile.example"

// instruction is one Dockerfile instruction with its continuation lines
// joined.
type instruction struct {
	line int // where it starts, for messages
	cmd  string
	args string
}

// parseDockerfile splits a Dockerfile into instructions. It knows enough
// of the format for this test: comments, blank lines and lines continued
// with a trailing backslash.
func parseDockerfile(t *testing.T, text string) []instruction {
	t.Helper()
	var out []instruction
	var cur strings.Builder
	start := 0
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if body, ok := strings.CutSuffix(trimmed, `\`); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{start, strings.ToUpper(cmd), strings.TrimSpace(args)})
		cur.Reset()
	}
	if cur.Len() != 0 {
		t.Fatalf("%s: the last instruction ends with a backslash", dockerfile)
	}
	return out
}

// execForm decodes the JSON array form of ENTRYPOINT, CMD and the like.
func execForm(t *testing.T, in instruction) []string {
	t.Helper()
	var argv []string
	if err := json.Unmarshal([]byte(in.args), &argv); err != nil || len(argv) == 0 {
		t.Fatalf("%s:%d: %s %s: want the exec form, a JSON array (so supinit is PID 1, not a shell): %v", dockerfile, in.line, in.cmd, in.args, err)
	}
	return argv
}

// flagValue returns the value after flag in argv, or "".
func flagValue(argv []string, flag string) string {
	if i := slices.Index(argv, flag); i >= 0 && i+1 < len(argv) {
		return argv[i+1]
	}
	return ""
}

func TestDockerfileExample(t *testing.T) {
	data, err := os.ReadFile(dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	var entrypoint, healthcheck []string
	copied := map[string]string{} // image path → config file in the repository
	builds := false
	for _, in := range parseDockerfile(t, string(data)) {
		switch in.cmd {
		case "RUN":
			builds = builds || (strings.Contains(in.args, "CGO_ENABLED=0 go build") && strings.Contains(in.args, "./cmd/supinit"))
		case "COPY":
			words := strings.Fields(in.args)
			if len(words) < 2 || strings.HasPrefix(words[0], "--from=") {
				continue // from another stage, not from the repository
			}
			dest := words[len(words)-1]
			for _, src := range words[:len(words)-1] {
				if ext := filepath.Ext(src); ext == ".conf" || ext == ".toml" {
					copied[dest] = src
				}
			}
		case "ENTRYPOINT":
			entrypoint = execForm(t, in)
		case "HEALTHCHECK":
			_, cmd, ok := strings.Cut(in.args, "CMD ")
			if !ok {
				t.Fatalf("%s:%d: HEALTHCHECK without CMD", dockerfile, in.line)
			}
			healthcheck = execForm(t, instruction{in.line, "HEALTHCHECK CMD", cmd})
		}
	}

	if !builds {
		t.Errorf("%s: no stage runs CGO_ENABLED=0 go build of ./cmd/supinit", dockerfile)
	}
	if len(copied) == 0 {
		t.Fatalf("%s: no COPY of a config file", dockerfile)
	}
	for dest, src := range copied {
		r := supinit(t, "check", "--portable", "-c", filepath.Join("..", src))
		if r.code != 0 || r.stderr != "" {
			t.Errorf("%s copies %s to %s: supinit check --portable: exit %d, stderr %q; want exit 0 and no warnings", dockerfile, src, dest, r.code, r.stderr)
		}
	}
	if len(entrypoint) == 0 || filepath.Base(entrypoint[0]) != "supinit" {
		t.Errorf("%s: ENTRYPOINT %q does not run supinit", dockerfile, entrypoint)
	} else if c := flagValue(entrypoint, "-c"); copied[c] == "" {
		t.Errorf("%s: ENTRYPOINT %q reads %q, which no COPY puts in the image", dockerfile, entrypoint, c)
	}
	if len(healthcheck) < 2 || filepath.Base(healthcheck[0]) != "supinit" || healthcheck[1] != "ctl" {
		t.Errorf("%s: HEALTHCHECK %q does not ask supinit ctl", dockerfile, healthcheck)
	} else if c := flagValue(healthcheck, "-c"); c != "" && copied[c] == "" {
		t.Errorf("%s: HEALTHCHECK %q reads %q, which no COPY puts in the image", dockerfile, healthcheck, c)
	}
}
