/* GStreamer
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * umatconvert as a gst-launch-1.0 user meets it: a chain that cannot work
 * makes gst-launch-1.0 exit with a failure and say which code, and no GLib
 * warning is logged on the way (G_DEBUG=fatal-warnings would turn one into
 * a crash). Runs gst-launch-1.0 (UMAT_GST_LAUNCH) against the build tree's
 * registry; suite 'launch', which the sanitizer run leaves out (an
 * uninstrumented gst-launch-1.0 cannot load an ASan build of the plugin):
 * built with ASan, the program skips (77).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <sys/wait.h>

#include "umattest-support.h"

/* Runs gst-launch-1.0 with `pipeline` (split at spaces) under
 * G_DEBUG=fatal-warnings; returns its wait status, *output its stdout and
 * stderr together. */
static gint
gst_launch (const gchar * pipeline, gchar ** output)
{
  gchar **words = g_strsplit (pipeline, " ", -1);
  GPtrArray *argv = g_ptr_array_new ();
  gchar **envp = g_environ_setenv (g_get_environ (), "G_DEBUG",
      "fatal-warnings", TRUE);
  gchar *out = NULL, *err = NULL;
  GError *error = NULL;
  gint status = 0;
  guint i;

  g_ptr_array_add (argv, (gpointer) g_getenv ("UMAT_GST_LAUNCH"));
  for (i = 0; words[i]; i++)
    g_ptr_array_add (argv, words[i]);
  g_ptr_array_add (argv, NULL);
  fail_unless (g_spawn_sync (NULL, (gchar **) argv->pdata, envp,
          G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error),
      "cannot run gst-launch-1.0: %s", error ? error->message : "");
  *output = g_strconcat (out, err, NULL);
  g_free (out);
  g_free (err);
  g_strfreev (envp);
  g_ptr_array_free (argv, TRUE);
  g_strfreev (words);
  return status;
}

GST_START_TEST (test_gst_launch_bad_chain_fails)
{
  gchar *output;
  gint status = gst_launch ("videotestsrc num-buffers=3 ! umatconvert "
      "chain=BGR2FOO ! fakesink", &output);

  fail_unless (WIFEXITED (status), "gst-launch-1.0 died of signal %d (a "
      "GLib warning under G_DEBUG=fatal-warnings?): %s",
      WIFSIGNALED (status) ? WTERMSIG (status) : 0, output);
  fail_unless (WEXITSTATUS (status) != 0, "gst-launch-1.0 exited 0 with "
      "chain=BGR2FOO: %s", output);
  fail_unless (strstr (output, "BGR2FOO") != NULL, "gst-launch-1.0 does not "
      "say which code: %s", output);
  fail_if (strstr (output, "WARNING **") || strstr (output, "CRITICAL **"),
      "a GLib warning: %s", output);
  g_free (output);
}

GST_END_TEST;

/* And a good one runs to the end, saying nothing of the kind. */
GST_START_TEST (test_gst_launch_good_chain_succeeds)
{
  gchar *output;
  gint status = gst_launch ("videotestsrc num-buffers=3 ! "
      "video/x-raw,format=BGR ! umatconvert chain=BGR2RGB ! fakesink",
      &output);

  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0,
      "gst-launch-1.0 failed with chain=BGR2RGB: %s", output);
  fail_if (strstr (output, "WARNING **") || strstr (output, "CRITICAL **"),
      "a GLib warning: %s", output);
  g_free (output);
}

GST_END_TEST;

static Suite *
umatconvert_launch_suite (void)
{
  Suite *s = suite_create ("umatconvert-launch");
  TCase *tc = tcase_create ("launch");

#if defined(__SANITIZE_ADDRESS__)
  umattest_skip_program ("built with AddressSanitizer: gst-launch-1.0 cannot "
      "load this plugin");
#endif
  if (g_getenv ("UMAT_GST_LAUNCH") == NULL)
    umattest_skip_program ("UMAT_GST_LAUNCH does not name gst-launch-1.0");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_gst_launch_bad_chain_fails);
  tcase_add_test (tc, test_gst_launch_good_chain_succeeds);
  return s;
}

GST_CHECK_MAIN (umatconvert_launch);
