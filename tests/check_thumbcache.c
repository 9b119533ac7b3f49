/*
 * Thumbnail cache names and places (freedesktop.org Thumbnail Managing
 * Standard) and PNG tEXt reading.  Expected URIs come from GLib 2.74's
 * g_filename_to_uri, expected names from `printf '%s' "$uri" | md5sum`.
 */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec/codec.h"
#include "codec/png_text.h"
#include "thumbnail/spec.h"
#include "tests/check_main.h"

#define SIZE_HINT "(normal, large, x-large, xx-large or all)"

START_TEST(test_size_table)
{
	ck_assert_str_eq(thumb_size_dir(THUMB_NORMAL), "normal");
	ck_assert_str_eq(thumb_size_dir(THUMB_LARGE), "large");
	ck_assert_str_eq(thumb_size_dir(THUMB_XLARGE), "x-large");
	ck_assert_str_eq(thumb_size_dir(THUMB_XXLARGE), "xx-large");
	ck_assert_ptr_null(thumb_size_dir(THUMB_NSIZES));
	ck_assert_uint_eq(thumb_size_pixels(THUMB_NORMAL), 128);
	ck_assert_uint_eq(thumb_size_pixels(THUMB_LARGE), 256);
	ck_assert_uint_eq(thumb_size_pixels(THUMB_XLARGE), 512);
	ck_assert_uint_eq(thumb_size_pixels(THUMB_XXLARGE), 1024);
	ck_assert_uint_eq(thumb_size_pixels(THUMB_NSIZES), 0);
	ck_assert_uint_eq(THUMB_SIZES_ALL, 0xf);
}
END_TEST

static unsigned parse_sizes_ok(const char *list)
{
	struct ib_error err = { 0 };
	unsigned mask = 0xdead;
	ck_assert_int_eq(thumb_sizes_parse(list, &mask, &err), 0);
	return mask;
}

START_TEST(test_sizes_parse)
{
	ck_assert_uint_eq(parse_sizes_ok("normal"), 0x1);
	ck_assert_uint_eq(parse_sizes_ok("large"), 0x2);
	ck_assert_uint_eq(parse_sizes_ok("x-large"), 0x4);
	ck_assert_uint_eq(parse_sizes_ok("xx-large"), 0x8);
	ck_assert_uint_eq(parse_sizes_ok("large,xx-large"), 0xa);
	ck_assert_uint_eq(parse_sizes_ok("x-large,normal,x-large"), 0x5);
	ck_assert_uint_eq(parse_sizes_ok("all"), 0xf);
	ck_assert_uint_eq(parse_sizes_ok("normal,all"), 0xf);
}
END_TEST

static void check_sizes_error(const char *list, const char *msg)
{
	struct ib_error err = { 0 };
	unsigned mask = 0xdead;
	ck_assert_int_eq(thumb_sizes_parse(list, &mask, &err), -1);
	ck_assert_str_eq(err.msg, msg);
	ck_assert_uint_eq(mask, 0xdead);
}

START_TEST(test_sizes_parse_errors)
{
	check_sizes_error("huge", "--size: unknown size \"huge\" " SIZE_HINT);
	check_sizes_error("normal,huge,large", "--size: unknown size \"huge\" " SIZE_HINT);
	check_sizes_error("Normal", "--size: unknown size \"Normal\" " SIZE_HINT);
	check_sizes_error("normal ", "--size: unknown size \"normal \" " SIZE_HINT);
	check_sizes_error("xlarge", "--size: unknown size \"xlarge\" " SIZE_HINT);
	check_sizes_error("", "--size: no size given");
	check_sizes_error(",", "--size: empty item in \",\"");
	check_sizes_error("normal,", "--size: empty item in \"normal,\"");
	check_sizes_error(",large", "--size: empty item in \",large\"");
	check_sizes_error("normal,,large", "--size: empty item in \"normal,,large\"");
}
END_TEST

static void check_abs(const char *path, const char *want)
{
	struct ib_error err = { 0 };
	char buf[PATH_MAX];
	ck_assert_int_eq(thumb_absolute_path(path, buf, sizeof buf, &err), 0);
	ck_assert_str_eq(buf, want);
}

START_TEST(test_absolute_path_normalises)
{
	check_abs("/a/./b//c/../d/", "/a/b/d");
	check_abs("/", "/");
	check_abs("//", "/");
	check_abs("/.", "/");
	check_abs("/..", "/");
	check_abs("/../../x", "/x");
	check_abs("/a/b/..", "/a");
	check_abs("/a/b/../..", "/");
	check_abs("/a/b/../../../c", "/c");
	check_abs("///a///b///", "/a/b");
	check_abs("/a/..b/.c/c./.../x", "/a/..b/.c/c./.../x");
	check_abs("/photos/IMG_0001 (1).jpg", "/photos/IMG_0001 (1).jpg");
}
END_TEST

START_TEST(test_absolute_path_from_root_cwd)
{
	char *old = getcwd(NULL, 0);
	ck_assert_ptr_nonnull(old);
	ck_assert_int_eq(chdir("/"), 0);
	check_abs("a/./b//c/../d", "/a/b/d");
	check_abs(".", "/");
	check_abs("..", "/");
	check_abs("../x/", "/x");
	check_abs("a", "/a");
	ck_assert_int_eq(chdir(old), 0);
	free(old);
}
END_TEST

/* /tmp is a real directory here (not a symlink), so getcwd gives it back. */
START_TEST(test_absolute_path_from_temp_cwd)
{
	char dir[] = "/tmp/check_thumbcache-XXXXXX";
	char want[PATH_MAX];
	char *old = getcwd(NULL, 0);
	ck_assert_ptr_nonnull(old);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);

	snprintf(want, sizeof want, "%s/a/b/d", dir);
	check_abs("a/./b//c/../d", want);
	check_abs(".", dir);
	check_abs("./", dir);
	check_abs("x/..", dir);
	check_abs("..", "/tmp");
	check_abs("../../../../etc", "/etc");
	snprintf(want, sizeof want, "%s/IMG_0001 (1).jpg", dir);
	check_abs("IMG_0001 (1).jpg", want);

	ck_assert_int_eq(chdir(old), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	free(old);
}
END_TEST

START_TEST(test_absolute_path_errors)
{
	struct ib_error err = { 0 };
	char buf[8];

	ck_assert_int_eq(thumb_absolute_path("", buf, sizeof buf, &err), -1);
	ck_assert_str_eq(err.msg, "empty path");

	/* "/abcdef" + NUL needs 8 bytes: fits exactly, one more does not. */
	ck_assert_int_eq(thumb_absolute_path("/abcdef", buf, 8, &err), 0);
	ck_assert_str_eq(buf, "/abcdef");
	ck_assert_int_eq(thumb_absolute_path("/abcdefg", buf, 8, &err), -1);
	ck_assert_str_eq(err.msg, "absolute path of \"/abcdefg\" too long (8 bytes)");
	ck_assert_int_eq(thumb_absolute_path("/", buf, 1, &err), -1);
	ck_assert_str_eq(err.msg, "absolute path of \"/\" too long (1 bytes)");

	/* Only the result has to fit, not the path as written. */
	ck_assert_int_eq(thumb_absolute_path("/a/very/long/../../../b", buf, 3, &err), 0);
	ck_assert_str_eq(buf, "/b");
}
END_TEST

START_TEST(test_absolute_path_in_removed_cwd)
{
	struct ib_error err = { 0 };
	char dir[] = "/tmp/check_thumbcache-XXXXXX";
	char buf[PATH_MAX];
	char *old = getcwd(NULL, 0);
	ck_assert_ptr_nonnull(old);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(rmdir(dir), 0);

	ck_assert_int_eq(thumb_absolute_path("x", buf, sizeof buf, &err), -1);
	ck_assert_str_eq(err.msg, "absolute path of \"x\": current directory: No such file or directory");
	/* Absolute paths do not need the current directory. */
	check_abs("/x/../y", "/y");

	ck_assert_int_eq(chdir(old), 0);
	free(old);
}
END_TEST

/* Paths and the URIs g_filename_to_uri (GLib 2.74) gives for them. */
static const struct {
	const char *path;
	const char *uri;
	const char *name;
} uri_cases[] = {
	{ "/home/jens/photos/me.png", "file:///home/jens/photos/me.png",
	  "c6ee772d9e49320e97ec29a7eb5b1697.png" },
	{ "/", "file:///", "03f0716f0d219f8b767d0e5ac6c3da37.png" },
	{ "/photos/IMG_0001 (1).jpg", "file:///photos/IMG_0001%20(1).jpg",
	  "d504fc049e2b38dbc8b4869861245de1.png" },
	{ "/photos/a;b%c#d?e[f]g~h@i.png", "file:///photos/a%3Bb%25c%23d%3Fe%5Bf%5Dg~h@i.png",
	  "01b850e0431e65cb77dfe382257b44ce.png" },
	{ "/photos/\xff\xe9.jpg", "file:///photos/%FF%E9.jpg",
	  "afd3e70ddc650bf8299ccd97df0312d1.png" },
	{ "/photos/\xc3\xa9t\xc3\xa9.jpg", "file:///photos/%C3%A9t%C3%A9.jpg",
	  "d7b32daa7731e87e3f19aea5befb8afb.png" },
	{ "/x/tab\there\x7f\x01.png", "file:///x/tab%09here%7F%01.png",
	  "883eae0bed21031565c14472a05cac24.png" },
	{ "/q/\"<>\\^`{|}.png", "file:///q/%22%3C%3E%5C%5E%60%7B%7C%7D.png",
	  "440207dcf7e998646d2038660369e44e.png" },
	{ "/a+b,c=d:e!f$g&h'i*j.png", "file:///a+b,c=d:e!f$g&h'i*j.png",
	  "6f3d738f233cc0f97e4c9cd394d15568.png" },
};

START_TEST(test_uri_matches_glib)
{
	struct ib_error err = { 0 };
	char uri[256];
	char path[256];
	char name[THUMB_NAME_LEN + 1];

	for (size_t i = 0; i < sizeof uri_cases / sizeof uri_cases[0]; i++) {
		ck_assert_int_eq(thumb_uri(uri_cases[i].path, uri, sizeof uri, &err), 0);
		ck_assert_str_eq(uri, uri_cases[i].uri);
		thumb_name(uri, name);
		ck_assert_str_eq(name, uri_cases[i].name);
		ck_assert_int_eq(thumb_uri_to_path(uri, path, sizeof path, &err), 0);
		ck_assert_str_eq(path, uri_cases[i].path);
	}
}
END_TEST

/* GLib's path escaping keeps exactly A-Z a-z 0-9 and /!$&'()*+,-.:=@_~
 * (checked byte by byte against g_filename_to_uri for 1..255). */
START_TEST(test_uri_escapes_every_other_byte)
{
	static const char kept[] = "!$&'()*+,-./0123456789:=@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "_abcdefghijklmnopqrstuvwxyz~";
	struct ib_error err = { 0 };
	char path[3] = "/";
	char uri[16];
	char want[16];

	for (int c = 1; c < 256; c++) {
		path[1] = (char)c;
		ck_assert_int_eq(thumb_uri(path, uri, sizeof uri, &err), 0);
		if (strchr(kept, c))
			snprintf(want, sizeof want, "file:///%c", c);
		else
			snprintf(want, sizeof want, "file:///%%%02X", (unsigned)c);
		ck_assert_str_eq(uri, want);
	}
}
END_TEST

START_TEST(test_uri_errors)
{
	struct ib_error err = { 0 };
	char uri[16];

	ck_assert_int_eq(thumb_uri("photos/a.jpg", uri, sizeof uri, &err), -1);
	ck_assert_str_eq(err.msg, "URI of \"photos/a.jpg\": not an absolute path");
	ck_assert_int_eq(thumb_uri("", uri, sizeof uri, &err), -1);
	ck_assert_str_eq(err.msg, "URI of \"\": not an absolute path");

	/* "file:///a%20b" + NUL is 14 bytes. */
	ck_assert_int_eq(thumb_uri("/a b", uri, 14, &err), 0);
	ck_assert_str_eq(uri, "file:///a%20b");
	ck_assert_int_eq(thumb_uri("/a b", uri, 13, &err), -1);
	ck_assert_str_eq(err.msg, "URI of \"/a b\" too long");
	ck_assert_int_eq(thumb_uri("/ ", uri, 10, &err), -1);
	ck_assert_int_eq(thumb_uri("/", uri, 8, &err), -1);
	ck_assert_int_eq(thumb_uri("/", uri, 7, &err), -1);
	ck_assert_int_eq(thumb_uri("/", uri, 9, &err), 0);
	ck_assert_str_eq(uri, "file:///");
}
END_TEST

static void check_uri_path(const char *uri, const char *want)
{
	struct ib_error err = { 0 };
	char path[64];
	ck_assert_int_eq(thumb_uri_to_path(uri, path, sizeof path, &err), 0);
	ck_assert_str_eq(path, want);
}

START_TEST(test_uri_to_path)
{
	check_uri_path("file:///tmp/a%20b", "/tmp/a b");
	check_uri_path("file://localhost/tmp/a%20b", "/tmp/a b");
	check_uri_path("FILE://LocalHost/x", "/x");
	check_uri_path("file:///photos/%c3%a9t%C3%A9.jpg", "/photos/\xc3\xa9t\xc3\xa9.jpg");
	check_uri_path("file:///%ff", "/\xff");
	/* Bytes a strict encoder would escape are taken as they are. */
	check_uri_path("file:///a b;c", "/a b;c");
	check_uri_path("file:///", "/");
}
END_TEST

static void check_uri_path_error(const char *uri, const char *msg)
{
	struct ib_error err = { 0 };
	char path[64] = "untouched";
	ck_assert_int_eq(thumb_uri_to_path(uri, path, sizeof path, &err), -1);
	ck_assert_str_eq(err.msg, msg);
}

START_TEST(test_uri_to_path_errors)
{
	check_uri_path_error("http:///x", "\"http:///x\" is not a local file URI");
	check_uri_path_error("file://host/x", "\"file://host/x\" is not a local file URI");
	check_uri_path_error("file://localhostx/x", "\"file://localhostx/x\" is not a local file URI");
	check_uri_path_error("file://localhost", "\"file://localhost\" is not a local file URI");
	check_uri_path_error("file:/x", "\"file:/x\" is not a local file URI");
	check_uri_path_error("file://", "\"file://\" is not a local file URI");
	check_uri_path_error("/x", "\"/x\" is not a local file URI");
	check_uri_path_error("", "\"\" is not a local file URI");
	check_uri_path_error("file:///a%", "malformed escape in URI \"file:///a%\"");
	check_uri_path_error("file:///a%2", "malformed escape in URI \"file:///a%2\"");
	check_uri_path_error("file:///a%g0", "malformed escape in URI \"file:///a%g0\"");
	check_uri_path_error("file:///a%0g", "malformed escape in URI \"file:///a%0g\"");
	check_uri_path_error("file:///a%%20", "malformed escape in URI \"file:///a%%20\"");
	check_uri_path_error("file:///a%00b", "escaped NUL in URI \"file:///a%00b\"");
	check_uri_path_error("file:///a%2Fb", "escaped '/' in URI \"file:///a%2Fb\"");
	check_uri_path_error("file:///a%2fb", "escaped '/' in URI \"file:///a%2fb\"");

	struct ib_error err = { 0 };
	char path[4];
	ck_assert_int_eq(thumb_uri_to_path("file:///a%20", path, 4, &err), 0);
	ck_assert_str_eq(path, "/a ");
	ck_assert_int_eq(thumb_uri_to_path("file:///ab%20", path, 4, &err), -1);
	ck_assert_str_eq(err.msg, "path of URI \"file:///ab%20\" too long");
	ck_assert_int_eq(thumb_uri_to_path("file:///", path, 1, &err), -1);
}
END_TEST

START_TEST(test_name_is_md5_of_uri)
{
	char name[THUMB_NAME_LEN + 1];
	/* The Thumbnail Managing Standard's own example. */
	thumb_name("file:///home/jens/photos/me.png", name);
	ck_assert_str_eq(name, "c6ee772d9e49320e97ec29a7eb5b1697.png");
	ck_assert_uint_eq(strlen(name), THUMB_NAME_LEN);
	/* md5 of the empty string */
	thumb_name("", name);
	ck_assert_str_eq(name, "d41d8cd98f00b204e9800998ecf8427e.png");
}
END_TEST

static void check_cache_root(const char *xdg, const char *home, const char *want)
{
	struct ib_error err = { 0 };
	char buf[64];
	if (xdg)
		ck_assert_int_eq(setenv("XDG_CACHE_HOME", xdg, 1), 0);
	else
		ck_assert_int_eq(unsetenv("XDG_CACHE_HOME"), 0);
	if (home)
		ck_assert_int_eq(setenv("HOME", home, 1), 0);
	else
		ck_assert_int_eq(unsetenv("HOME"), 0);
	int rc = thumb_cache_root(buf, sizeof buf, &err);
	if (want[0] == '/') {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(buf, want);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err.msg, want);
	}
}

START_TEST(test_cache_root)
{
	check_cache_root("/xdg/cache", "/home/u", "/xdg/cache/thumbnails");
	check_cache_root("/xdg/cache/", "/home/u", "/xdg/cache/thumbnails");
	check_cache_root("/xdg//./cache", NULL, "/xdg/cache/thumbnails");
	check_cache_root("/", NULL, "/thumbnails");
	check_cache_root(NULL, "/home/u", "/home/u/.cache/thumbnails");
	check_cache_root("", "/home/u", "/home/u/.cache/thumbnails");
	check_cache_root("rel/cache", "/home/u", "/home/u/.cache/thumbnails");
	check_cache_root("~/cache", "/home/u/", "/home/u/.cache/thumbnails");
	check_cache_root(NULL, "/", "/.cache/thumbnails");
	check_cache_root(NULL, NULL, "thumbnail cache: HOME is not set");
	check_cache_root("", "", "thumbnail cache: HOME is not set");
	check_cache_root("rel", "home/u",
			 "thumbnail cache: HOME is not an absolute path (\"home/u\")");

	struct ib_error err = { 0 };
	char buf[22];
	/* "/h/.cache/thumbnails" + NUL is 21 bytes. */
	check_cache_root(NULL, "/h", "/h/.cache/thumbnails");
	ck_assert_int_eq(thumb_cache_root(buf, 21, &err), 0);
	ck_assert_str_eq(buf, "/h/.cache/thumbnails");
	ck_assert_int_eq(thumb_cache_root(buf, 20, &err), -1);
	ck_assert_str_eq(err.msg, "absolute path of \".cache/thumbnails\" too long (20 bytes)");
}
END_TEST

/* A PNG assembled chunk by chunk; CRCs are left wrong on purpose. */
struct png_buf {
	uint8_t bytes[512];
	size_t len;
};

static void put_bytes(struct png_buf *png, const void *data, size_t n)
{
	ck_assert_uint_le(png->len + n, sizeof png->bytes);
	memcpy(png->bytes + png->len, data, n);
	png->len += n;
}

static void put_be32(struct png_buf *png, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	put_bytes(png, b, sizeof b);
}

static void put_chunk(struct png_buf *png, const char *type, const void *data, size_t n)
{
	put_be32(png, (uint32_t)n);
	put_bytes(png, type, 4);
	put_bytes(png, data, n);
	put_be32(png, 0xdeadbeef);
}

/* A chunk whose data is a string literal, embedded NULs included. */
#define PUT_CHUNK(png, type, lit) put_chunk(png, type, lit, sizeof lit - 1)

static void put_signature(struct png_buf *png)
{
	put_bytes(png, "\x89PNG\r\n\x1a\n", 8);
}

/* 1x1 grey PNG with these tEXt chunks, in order:
 *   Thumb::URI = file:///x            (visited)
 *   <no NUL>                          (skipped)
 *   "" = abc                          (skipped: empty keyword)
 *   Thumb::MTime = 1700000000         (visited)
 *   80 x 'k' = v                      (skipped: keyword too long)
 *   79 x 'k' = v                      (visited)
 *   Software = ""                     (visited)
 *   Comment = a NUL b                 (visited, 3 bytes) */
static void build_sample(struct png_buf *png)
{
	char long_key[82];

	png->len = 0;
	put_signature(png);
	PUT_CHUNK(png, "IHDR", "\0\0\0\1\0\0\0\1\x08\0\0\0\0");
	PUT_CHUNK(png, "tEXt", "Thumb::URI\0file:///x");
	PUT_CHUNK(png, "tEXt", "no separator");
	PUT_CHUNK(png, "tEXt", "\0abc");
	PUT_CHUNK(png, "tEXt", "Thumb::MTime\0" "1700000000");
	memset(long_key, 'k', 80);
	long_key[80] = '\0';
	long_key[81] = 'v';
	put_chunk(png, "tEXt", long_key, 82);
	put_chunk(png, "tEXt", long_key + 1, 81);
	PUT_CHUNK(png, "tEXt", "Software\0");
	PUT_CHUNK(png, "tEXt", "Comment\0a\0b");
	PUT_CHUNK(png, "IDAT", "\x78\x9c\x63\x60\x00\x00\x00\x02\x00\x01");
	PUT_CHUNK(png, "IEND", "");
}

struct seen {
	int count;
	int stop_at;
	char keys[8][80];
	char values[8][16];
	size_t lens[8];
};

static int record_text(const char *key, const char *value, size_t value_len, void *ctx)
{
	struct seen *s = ctx;
	ck_assert_int_lt(s->count, 8);
	ck_assert_uint_lt(value_len, sizeof s->values[0]);
	ck_assert_int_eq(value[value_len], '\0');
	strcpy(s->keys[s->count], key);
	memcpy(s->values[s->count], value, value_len + 1);
	s->lens[s->count] = value_len;
	return ++s->count == s->stop_at ? 7 : 0;
}

START_TEST(test_png_text_read)
{
	struct ib_error err = { 0 };
	struct png_buf png;
	struct seen s = { 0 };
	char key79[80];

	build_sample(&png);
	ck_assert_int_eq(png_text_read(png.bytes, png.len, record_text, &s, &err), 0);
	ck_assert_int_eq(s.count, 5);
	ck_assert_str_eq(s.keys[0], "Thumb::URI");
	ck_assert_str_eq(s.values[0], "file:///x");
	ck_assert_uint_eq(s.lens[0], 9);
	ck_assert_str_eq(s.keys[1], "Thumb::MTime");
	ck_assert_str_eq(s.values[1], "1700000000");
	ck_assert_uint_eq(s.lens[1], 10);
	memset(key79, 'k', 79);
	key79[79] = '\0';
	ck_assert_str_eq(s.keys[2], key79);
	ck_assert_str_eq(s.values[2], "v");
	ck_assert_uint_eq(s.lens[2], 1);
	ck_assert_str_eq(s.keys[3], "Software");
	ck_assert_str_eq(s.values[3], "");
	ck_assert_uint_eq(s.lens[3], 0);
	ck_assert_str_eq(s.keys[4], "Comment");
	ck_assert_uint_eq(s.lens[4], 3);
	ck_assert_mem_eq(s.values[4], "a\0b", 4);
}
END_TEST

START_TEST(test_png_text_visitor_stops_walk)
{
	struct ib_error err = { 0 };
	struct png_buf png;
	struct seen s = { .stop_at = 2 };

	build_sample(&png);
	ck_assert_int_eq(png_text_read(png.bytes, png.len, record_text, &s, &err), 7);
	ck_assert_int_eq(s.count, 2);
	ck_assert_str_eq(s.keys[1], "Thumb::MTime");
}
END_TEST

START_TEST(test_png_text_stops_at_iend)
{
	struct ib_error err = { 0 };
	struct png_buf png;
	struct seen s = { 0 };

	png.len = 0;
	put_signature(&png);
	PUT_CHUNK(&png, "tEXt", "a\0" "1");
	PUT_CHUNK(&png, "IEND", "");
	PUT_CHUNK(&png, "tEXt", "b\0" "2");
	put_bytes(&png, "trailing garbage", 16);
	ck_assert_int_eq(png_text_read(png.bytes, png.len, record_text, &s, &err), 0);
	ck_assert_int_eq(s.count, 1);
	ck_assert_str_eq(s.keys[0], "a");
	ck_assert_str_eq(s.values[0], "1");
}
END_TEST

/* Every proper prefix of the sample is an error, and reading it stays
 * inside the buffer (each prefix gets an exact-size heap copy for ASan). */
START_TEST(test_png_text_truncated_everywhere)
{
	struct ib_error err = { 0 };
	struct png_buf png;

	build_sample(&png);
	for (size_t n = 0; n < png.len; n++) {
		struct seen s = { 0 };
		uint8_t *copy = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, png.bytes, n);
		ck_assert_int_eq(png_text_read(copy, n, record_text, &s, &err), -1);
		free(copy);
	}
}
END_TEST

static void check_png_error(const struct png_buf *png, const char *msg)
{
	struct ib_error err = { 0 };
	struct seen s = { 0 };
	ck_assert_int_eq(png_text_read(png->bytes, png->len, record_text, &s, &err), -1);
	ck_assert_str_eq(err.msg, msg);
}

START_TEST(test_png_text_errors)
{
	struct png_buf png = { .len = 0 };

	check_png_error(&png, "not a PNG file");
	put_bytes(&png, "\xff\xd8\xff\xe0\0\x10JFIF\0", 11);
	check_png_error(&png, "not a PNG file");
	png.len = 0;
	put_bytes(&png, "\x89PNG\r\n\x1a\r", 8);
	check_png_error(&png, "not a PNG file");

	png.len = 0;
	put_signature(&png);
	check_png_error(&png, "PNG ends without an IEND chunk");
	PUT_CHUNK(&png, "IHDR", "\0\0\0\1\0\0\0\1\x08\0\0\0\0");
	check_png_error(&png, "PNG ends without an IEND chunk");
	put_bytes(&png, "\0\0\0\0IEN", 7);
	check_png_error(&png, "PNG truncated in a chunk header at offset 33");
	put_bytes(&png, "D", 1);
	check_png_error(&png, "PNG chunk at offset 33 truncated");
	put_bytes(&png, "\xae\x42\x60", 3);
	check_png_error(&png, "PNG chunk at offset 33 truncated");

	png.len = 0;
	put_signature(&png);
	put_be32(&png, 100);
	put_bytes(&png, "tEXtkey\0value", 13);
	check_png_error(&png, "PNG chunk at offset 8 truncated");

	png.len = 0;
	put_signature(&png);
	put_be32(&png, 0x80000000u);
	put_bytes(&png, "tEXt", 4);
	check_png_error(&png, "PNG chunk length 2147483648 out of range at offset 8");

	/* The largest length on a 64-bit size_t must not wrap the bound check. */
	png.len = 0;
	put_signature(&png);
	put_be32(&png, 0x7fffffffu);
	put_bytes(&png, "IDAT", 4);
	check_png_error(&png, "PNG chunk at offset 8 truncated");
}
END_TEST

START_TEST(test_png_text_find)
{
	struct ib_error err = { 0 };
	struct png_buf png;
	char value[16] = "";

	build_sample(&png);
#define FIND(key, cap) png_text_find(png.bytes, png.len, key, value, cap, &err)
	ck_assert_int_eq(FIND("Thumb::URI", sizeof value), 1);
	ck_assert_str_eq(value, "file:///x");
	ck_assert_int_eq(FIND("Thumb::MTime", sizeof value), 1);
	ck_assert_str_eq(value, "1700000000");
	ck_assert_int_eq(FIND("Software", sizeof value), 1);
	ck_assert_str_eq(value, "");

	strcpy(value, "untouched");
	ck_assert_int_eq(FIND("Thumb::Size", sizeof value), 0);
	ck_assert_int_eq(FIND("thumb::uri", sizeof value), 0);
	/* A skipped chunk's bytes are no keyword. */
	ck_assert_int_eq(FIND("no separator", sizeof value), 0);
	ck_assert_str_eq(value, "untouched");

	/* "1700000000" needs 11 bytes. */
	ck_assert_int_eq(FIND("Thumb::MTime", 11), 1);
	ck_assert_str_eq(value, "1700000000");
	ck_assert_int_eq(FIND("Thumb::MTime", 10), -1);
	ck_assert_str_eq(err.msg, "PNG text \"Thumb::MTime\" too long (10 bytes)");
	ck_assert_int_eq(FIND("Software", 0), -1);
	ck_assert_str_eq(err.msg, "PNG text \"Software\" too long (0 bytes)");
#undef FIND

	ck_assert_int_eq(png_text_find(png.bytes, png.len - 1, "Thumb::Size", value, sizeof value,
				       &err),
			 -1);
	ck_assert_str_eq(err.msg, "PNG chunk at offset 393 truncated");
}
END_TEST

/* The formats gdk-pixbuf reads on Debian 12 (its own loaders; WebP's is a
 * separate package, not installed by default): GNOME needs no imgbatch for
 * them. */
static bool gdk_pixbuf_reads(enum image_format format)
{
	return format == FORMAT_JPEG || format == FORMAT_PNG || format == FORMAT_GIF ||
	       format == FORMAT_TIFF;
}

/* The MimeType= list of imgbatch.thumbnailer, ';'-terminated (malloc'd). */
static char *thumbnailer_types(void)
{
	char path[PATH_MAX], line[512], *types = NULL;
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/imgbatch.thumbnailer", top ? top : ".");
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (!types && fgets(line, sizeof line, f))
		if (strncmp(line, "MimeType=", 9) == 0)
			types = strndup(line + 9, strcspn(line + 9, "\n"));
	fclose(f);
	ck_assert_msg(types != NULL, "%s has no MimeType=", path);
	return types;
}

/* The last of enum image_format. */
#define LAST_FORMAT FORMAT_PEF

/* The format whose codec has MIME type t, or whose name follows "image/"
 * ("image/heic" is HEIF's other name). */
static enum image_format format_of_type(const char *t)
{
	for (enum image_format f = FORMAT_JPEG; f <= LAST_FORMAT; f++) {
		const struct codec *codec = codec_for_format(f);
		if (codec && strcmp(codec->mime, t) == 0)
			return f;
	}
	return format_from_name(t + 6);
}

/* imgbatch.thumbnailer lists exactly what imgbatch reads and gdk-pixbuf
 * does not: every type names a format a codec decodes, and every such
 * codec's own type is there (camera RAW files included). */
START_TEST(test_thumbnailer_types_match_codecs)
{
	char *types = thumbnailer_types();
	char *copy = strdup(types), *save = NULL;
	unsigned listed = 0;
	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		ck_assert_msg(strncmp(t, "image/", 6) == 0, "%s is no image type", t);
		enum image_format format = format_of_type(t);
		const struct codec *codec = codec_for_format(format);
		ck_assert_msg(codec && codec->decode, "%s: no codec reads it", t);
		ck_assert_msg(!gdk_pixbuf_reads(format), "%s: gdk-pixbuf reads it", t);
		listed |= 1u << format;
	}
	for (enum image_format f = FORMAT_JPEG; f <= LAST_FORMAT; f++) {
		const struct codec *codec = codec_for_format(f);
		char mime[64];
		if (!codec || gdk_pixbuf_reads(f))
			continue;
		snprintf(mime, sizeof mime, "%s;", codec->mime);
		ck_assert_msg(listed & (1u << f), "%s is not listed", codec->name);
		ck_assert_msg(strstr(types, mime) != NULL, "%s is not listed", codec->mime);
	}
	free(copy);
	free(types);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("thumbcache");
	TCase *names = tcase_create("names");
	tcase_add_test(names, test_size_table);
	tcase_add_test(names, test_sizes_parse);
	tcase_add_test(names, test_sizes_parse_errors);
	tcase_add_test(names, test_absolute_path_normalises);
	tcase_add_test(names, test_absolute_path_from_root_cwd);
	tcase_add_test(names, test_absolute_path_from_temp_cwd);
	tcase_add_test(names, test_absolute_path_errors);
	tcase_add_test(names, test_absolute_path_in_removed_cwd);
	tcase_add_test(names, test_uri_matches_glib);
	tcase_add_test(names, test_uri_escapes_every_other_byte);
	tcase_add_test(names, test_uri_errors);
	tcase_add_test(names, test_uri_to_path);
	tcase_add_test(names, test_uri_to_path_errors);
	tcase_add_test(names, test_name_is_md5_of_uri);
	tcase_add_test(names, test_cache_root);
	tcase_add_test(names, test_thumbnailer_types_match_codecs);
	suite_add_tcase(s, names);

	TCase *text = tcase_create("png_text");
	tcase_add_test(text, test_png_text_read);
	tcase_add_test(text, test_png_text_visitor_stops_walk);
	tcase_add_test(text, test_png_text_stops_at_iend);
	tcase_add_test(text, test_png_text_truncated_everywhere);
	tcase_add_test(text, test_png_text_errors);
	tcase_add_test(text, test_png_text_find);
	suite_add_tcase(s, text);
	return s;
}

