#!/usr/bin/python3
# docs/properties.md against the element: every property gst-inspect-1.0
# prints (name, blurb, type, default, range, flags, enum values) must be in
# the document's table and text exactly as gst-inspect-1.0 prints it, and
# the table must list nothing else.
#
# Copyright (C) 2026 gst-umat authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import re
import subprocess
import unittest

DOC = os.path.join(os.environ["UMAT_SOURCE_ROOT"], "docs", "properties.md")
# GstObject's, on every element; the document says so in one sentence
INHERITED = {"name", "parent"}


def inspect():
    """{name: {blurb, flags, type, default, range, values}} from
    gst-inspect-1.0 umatconvert."""
    text = subprocess.run(["gst-inspect-1.0", "umatconvert"], check=True,
                          capture_output=True, text=True).stdout
    section = text[text.index("Element Properties:"):]
    props = {}
    current = None
    for line in section.splitlines()[1:]:
        head = re.match(r"^  (\S+)\s+: (.*)$", line)
        if head:
            current = props[head.group(1)] = {
                "blurb": head.group(2), "values": [], "range": ""}
            continue
        if current is None or not line.strip():
            continue
        body = line.strip()
        if body.startswith("flags: "):
            current["flags"] = body[len("flags: "):]
        elif re.match(r"^\(\d+\): ", body):
            number, nick, desc = re.match(r"^\((\d+)\): (\S+)\s+- (.*)$",
                                          body).groups()
            current["values"].append((number, nick, desc))
        elif "Default: " in body:
            kind, default = body.split("Default: ", 1)
            kind = kind.strip().rstrip(".")
            if ". Range: " in kind:
                kind, current["range"] = kind.split(". Range: ")
            current["type"] = kind
            current["default"] = default.strip()
    for prop in props.values():
        if prop["values"]:
            prop["range"] = ", ".join("(%s) %s" % (n, nick)
                                      for n, nick, _ in prop["values"])
    return props


def documented():
    """{name: (type, default, range, flags)} from the table, and the text."""
    with open(DOC) as f:
        text = f.read()
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith(("`", "[`")):
            continue
        name = re.match(r"^\[?`([^`]+)`", cells[0]).group(1)
        default = cells[2]
        if default.startswith("`") and default.endswith("`"):
            default = default[1:-1]
        rows[name] = (cells[1], default, cells[3], cells[4])
    return rows, text


class PropertiesDoc(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.props = inspect()
        cls.rows, cls.text = documented()

    def test_the_table_lists_every_property_and_no_other(self):
        self.assertEqual(set(self.rows),
                         set(self.props) - INHERITED)

    def test_types_defaults_ranges_flags(self):
        for name, (kind, default, value_range, flags) in self.rows.items():
            prop = self.props[name]
            with self.subTest(property=name):
                self.assertEqual(kind, prop["type"])
                self.assertEqual(default, prop["default"])
                self.assertEqual(value_range, prop["range"])
                self.assertEqual(flags, prop["flags"])

    def test_blurbs_quoted(self):
        # each property's section quotes its blurb ("> ..."), as printed
        quoted = " ".join(line[1:].strip() for line in self.text.splitlines()
                          if line.startswith(">"))
        for name in self.rows:
            self.assertIn(self.props[name]["blurb"], quoted, name)

    def test_enum_values(self):
        for name, prop in self.props.items():
            for number, nick, desc in prop["values"]:
                self.assertRegex(
                    self.text, r"\| %s \| `%s` \| %s \|"
                    % (number, re.escape(nick), re.escape(desc)), name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
