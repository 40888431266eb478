package config

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// sameShared reports whether two processes of one section agree on every
// option that cannot mention process_num in the TOML this writes.
func sameShared(a, b *Program) bool {
	strip := func(p *Program) Program {
		q := *p
		q.Name, q.Command, q.Argv, q.Directory, q.ProcessNum = "", "", nil, nil, 0
		q.Stdout.Logfile, q.Stderr.Logfile = "", ""
		q.Environment, q.Pos, q.OptPos = nil, Position{}, nil
		return q
	}
	x, y := strip(a), strip(b)
	return reflect.DeepEqual(x, y) && slices.Equal(slices.Sorted(maps.Keys(a.Environment)), slices.Sorted(maps.Keys(b.Environment)))
}

// numTemplate finds a template whose expansion with each process number
// gives each value: the literal text with % doubled, where the values
// differ by the process number written as %(process_num)d or
// %(process_num)0Nd. Every candidate is checked against every value.
func numTemplate(values []string, nums []int) (string, bool) {
	if !slices.ContainsFunc(values, func(v string) bool { return v != values[0] }) {
		return escapePercent(values[0]), true
	}
	last, n := values[len(values)-1], nums[len(nums)-1]
	// Zero-padded widths first: "web_00" is web_%(process_num)02d rather
	// than web_0%(process_num)d.
	for _, width := range []int{6, 5, 4, 3, 2, 0} {
		digits := fmt.Sprintf("%0*d", width, n)
		placeholder := "%(process_num)d"
		if width > 0 {
			placeholder = fmt.Sprintf("%%(process_num)0%dd", width)
		}
		parts := strings.Split(last, digits)
		// Try the number at every place it occurs, then at all of them.
		candidates := []string{}
		for i := 1; i < len(parts); i++ {
			before := escapePercent(strings.Join(parts[:i], digits))
			after := escapePercent(strings.Join(parts[i:], digits))
			candidates = append(candidates, before+placeholder+after)
		}
		if len(parts) > 2 {
			escaped := make([]string, len(parts))
			for i, p := range parts {
				escaped[i] = escapePercent(p)
			}
			candidates = append(candidates, strings.Join(escaped, placeholder))
		}
		for _, t := range candidates {
			if templateGives(t, values, nums) {
				return t, true
			}
		}
	}
	return "", false
}

func templateGives(t string, values []string, nums []int) bool {
	for i, v := range values {
		got, err := expand(t, map[string]any{"process_num": nums[i]})
		if err != nil || got != v {
			return false
		}
	}
	return true
}
