package control

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// node is one element of a parsed XML-RPC document: its local name, its
// child elements and its text before the first child (ElementTree's
// .text, which is what supervisord's decoder reads).
type node struct {
	name     string
	children []*node
	text     string
}

// maxNodes bounds the tree a request body can make.
const maxNodes = 100000

// parseTree reads one XML document into a tree of elements. Only the
// predefined entities exist (encoding/xml expands no DTD entities), so a
// body cannot blow up in memory beyond its own size.
func parseTree(data []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var stack []*node
	var root *node
	var text []*strings.Builder
	count := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxNodes || len(stack) >= 2*maxDepth+8 {
				return nil, errors.New("cannot decode: document too large or too deep")
			}
			name := t.Name.Local
			if t.Name.Space != "" {
				name = t.Name.Space + ":" + name // never matches an XML-RPC tag
			}
			n := &node{name: name}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("cannot decode: more than one root element")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				if len(parent.children) == 0 {
					parent.text = text[len(text)-1].String()
				}
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
			text = append(text, &strings.Builder{})
		case xml.EndElement:
			n := stack[len(stack)-1]
			if len(n.children) == 0 {
				n.text = text[len(text)-1].String()
			}
			stack = stack[:len(stack)-1]
			text = text[:len(text)-1]
		case xml.CharData:
			if len(text) > 0 {
				text[len(text)-1].Write(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("cannot decode: text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errors.New("cannot decode: no root element")
	}
	return root, nil
}

// decodeCall reads a methodCall: its method name and parameters. A missing
// <params> means no parameters, as supervisord allows.
func decodeCall(data []byte) (string, []any, error) {
	root, err := parseTree(data)
	if err != nil {
		return "", nil, err
	}
	if root.name != "methodCall" {
		return "", nil, fmt.Errorf("cannot decode: root element is <%s>, not <methodCall>", root.name)
	}
	var method string
	params := []any{}
	for _, c := range root.children {
		switch c.name {
		case "methodName":
			if len(c.children) > 0 {
				return "", nil, errors.New("cannot decode: elements inside <methodName>")
			}
			method = c.text
		case "params":
			for _, p := range c.children {
				if p.name != "param" || len(p.children) != 1 {
					return "", nil, errors.New("cannot decode: <params> must hold <param><value>...</value></param> elements")
				}
				v, err := decodeValue(p.children[0], 0)
				if err != nil {
					return "", nil, err
				}
				params = append(params, v)
			}
		}
	}
	return method, params, nil
}

// decodeResponse reads a methodResponse: the value, or a *rpcFault error.
func decodeResponse(data []byte) (any, error) {
	root, err := parseTree(data)
	if err != nil {
		return nil, err
	}
	if root.name != "methodResponse" || len(root.children) != 1 {
		return nil, errors.New("cannot decode: not a methodResponse")
	}
	body := root.children[0]
	switch body.name {
	case "params":
		if len(body.children) != 1 || body.children[0].name != "param" || len(body.children[0].children) != 1 {
			return nil, errors.New("cannot decode: a methodResponse needs exactly one param")
		}
		return decodeValue(body.children[0].children[0], 0)
	case "fault":
		if len(body.children) != 1 {
			return nil, errors.New("cannot decode: a fault needs one value")
		}
		v, err := decodeValue(body.children[0], 0)
		if err != nil {
			return nil, err
		}
		s, ok := v.(Struct)
		if !ok {
			return nil, errors.New("cannot decode: a fault must be a struct")
		}
		code, _ := s.Get("faultCode")
		msg, _ := s.Get("faultString")
		c, ok1 := code.(int)
		m, ok2 := msg.(string)
		if !ok1 || !ok2 {
			return nil, errors.New("cannot decode: a fault needs an int faultCode and a string faultString")
		}
		return nil, &rpcFault{Code: c, String: m}
	}
	return nil, fmt.Errorf("cannot decode: unexpected <%s> in methodResponse", body.name)
}

func decodeValue(n *node, depth int) (any, error) {
	if n.name != "value" {
		return nil, fmt.Errorf("cannot decode: <%s> where a <value> belongs", n.name)
	}
	if depth > maxDepth {
		return nil, fmt.Errorf("cannot decode: values nested deeper than %d", maxDepth)
	}
	switch len(n.children) {
	case 0:
		return n.text, nil // a <value> with no type is a string
	case 1:
	default:
		return nil, errors.New("cannot decode: a <value> holds more than one element")
	}
	t := n.children[0]
	if t.name != "array" && t.name != "struct" && len(t.children) > 0 {
		return nil, fmt.Errorf("cannot decode: elements inside <%s>", t.name)
	}
	switch t.name {
	case "int", "i4", "i8":
		i, err := strconv.ParseInt(strings.TrimSpace(t.text), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("cannot decode int %q", t.text)
		}
		return int(i), nil
	case "boolean":
		return t.text == "1", nil // supervisord reads anything else as false
	case "string":
		return t.text, nil
	case "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(t.text), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("cannot decode double %q", t.text)
		}
		return f, nil
	case "dateTime.iso8601":
		tm, err := time.Parse(iso8601, t.text)
		if err != nil {
			return nil, fmt.Errorf("cannot decode dateTime.iso8601 %q", t.text)
		}
		return tm, nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(t.text), ""))
		if err != nil {
			return nil, fmt.Errorf("cannot decode base64: %w", err)
		}
		return b, nil
	case "array":
		return decodeArray(t, depth)
	case "struct":
		return decodeStruct(t, depth)
	}
	// supervisord reads an element it does not know, <nil/> included, as
	// its text, or None when it has none; the method then decides (a
	// wrong type is INCORRECT_PARAMETERS), rather than HTTP 400.
	if t.text == "" {
		return nil, nil
	}
	return t.text, nil
}

func decodeArray(t *node, depth int) (any, error) {
	if len(t.children) != 1 || t.children[0].name != "data" {
		return nil, errors.New("cannot decode: <array> must hold one <data>")
	}
	out := []any{}
	for _, c := range t.children[0].children {
		v, err := decodeValue(c, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func decodeStruct(t *node, depth int) (any, error) {
	out := Struct{}
	index := map[string]int{}
	for _, m := range t.children {
		if m.name != "member" || len(m.children) != 2 || m.children[0].name != "name" || len(m.children[0].children) > 0 {
			return nil, errors.New("cannot decode: <struct> must hold <member><name/><value/></member> elements")
		}
		v, err := decodeValue(m.children[1], depth+1)
		if err != nil {
			return nil, err
		}
		name := m.children[0].text
		if i, ok := index[name]; ok {
			out[i].Value = v // a repeated name replaces, as in a Python dict
			continue
		}
		index[name] = len(out)
		out = append(out, Member{Name: name, Value: v})
	}
	return out, nil
}
