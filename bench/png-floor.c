/*
 * The PNG floor for bench/run.sh (scenario S4): decode a PNG with libpng and
 * encode it again, same size and layout, at zlib level 6 with libpng's
 * default (adaptive) filters: the level and filter choice imgbatch uses by
 * default (which compresses with libdeflate up to 8 MiB of image data, with
 * zlib above).  No resize, no colour conversion: only what any PNG-to-PNG
 * tool cannot avoid.
 * Usage: png-floor IN.png OUT.png
 * Build: cc -O2 bench/png-floor.c $(pkg-config --cflags --libs libpng)
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>

static void die(const char *what, const char *path)
{
	fprintf(stderr, "png-floor: %s: %s\n", path, what);
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: png-floor IN.png OUT.png\n");
		return 2;
	}
	FILE *in = fopen(argv[1], "rb");
	if (!in)
		die("cannot open", argv[1]);
	png_structp rd = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop ri = rd ? png_create_info_struct(rd) : NULL;
	if (!ri)
		die("out of memory", argv[1]);
	if (setjmp(png_jmpbuf(rd)))
		die("decode failed", argv[1]);
	png_init_io(rd, in);
	png_read_info(rd, ri);
	png_uint_32 w, h;
	int depth, ctype, interlace;
	png_get_IHDR(rd, ri, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
	png_set_interlace_handling(rd);
	png_read_update_info(rd, ri);
	size_t stride = png_get_rowbytes(rd, ri);
	png_bytep pixels = malloc(stride * h);
	png_bytepp rows = malloc(sizeof *rows * h);
	if (!pixels || !rows)
		die("out of memory", argv[1]);
	for (png_uint_32 y = 0; y < h; y++)
		rows[y] = pixels + y * stride;
	png_read_image(rd, rows);
	png_read_end(rd, NULL);

	FILE *out = fopen(argv[2], "wb");
	if (!out)
		die("cannot create", argv[2]);
	png_structp wr = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop wi = wr ? png_create_info_struct(wr) : NULL;
	if (!wi)
		die("out of memory", argv[2]);
	if (setjmp(png_jmpbuf(wr)))
		die("encode failed", argv[2]);
	png_init_io(wr, out);
	png_set_IHDR(wr, wi, w, h, depth, ctype, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
	if (ctype == PNG_COLOR_TYPE_PALETTE) {
		png_colorp pal;
		int npal;
		if (png_get_PLTE(rd, ri, &pal, &npal))
			png_set_PLTE(wr, wi, pal, npal);
	}
	png_set_compression_level(wr, 6);
	png_write_info(wr, wi);
	png_write_image(wr, rows);
	png_write_end(wr, NULL);
	if (fclose(out) != 0)
		die("write failed", argv[2]);
	png_destroy_write_struct(&wr, &wi);
	png_destroy_read_struct(&rd, &ri, NULL);
	fclose(in);
	free(rows);
	free(pixels);
	return 0;
}
