#include <gst/check/gstcheck.h>
#include "umatcv.h"
GST_START_TEST (test_placeholder)
{
  UmatcvChain *c = NULL;
  fail_unless_equals_int (umatcv_chain_parse ("BGR2HSV", &c, NULL, 0), UMATCV_OK);
  umatcv_chain_free (c);
}
GST_END_TEST;
static Suite *
umatcv_suite (void)
{
  Suite *s = suite_create ("umatcv");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_placeholder);
  return s;
}
GST_CHECK_MAIN (umatcv);
