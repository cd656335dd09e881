package arrow

import (
	"context"
	"fmt"
	goio "io"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/tesseradata/tessera/labels"
)

// writerOnly hides a writer's Close (and any other method), so that
// arrow-go's writers, which close an io.Closer they write to, leave the
// caller's writer open.
type writerOnly struct{ w goio.Writer }

func (w writerOnly) Write(p []byte) (int, error) { return w.w.Write(p) }

// WriteIPC writes the long-form table of ds (see the package
// documentation) to w in the Arrow IPC file format (Feather v2), one
// record batch per batch of Batches. It does not close w. On error, what
// was written to w is not a valid file.
func WriteIPC(ctx context.Context, w goio.Writer, ds *labels.Dataset, opts Options) error {
	t, err := plan(ds, opts)
	if err != nil {
		return err
	}
	fw, err := ipc.NewFileWriter(writerOnly{w}, ipc.WithSchema(t.schema), ipc.WithAllocator(opts.allocator()))
	if err != nil {
		return fmt.Errorf("io/arrow: ipc: %w", err)
	}
	err = t.batches(ctx, opts, func(rec arrow.RecordBatch) error {
		if err := fw.Write(rec); err != nil {
			return fmt.Errorf("io/arrow: ipc: %w", err)
		}
		return nil
	})
	if cerr := fw.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("io/arrow: ipc: %w", cerr)
	}
	return err
}

// WriteParquet writes the long-form table of ds (see the package
// documentation) to w as a Parquet file, one row group per batch of
// Batches, with the writer properties of Options.Parquet (by default
// zstd compression). The Arrow schema is stored in the file, so that
// Arrow readers get the field metadata and types back. It does not close
// w. On error, what was written to w is not a valid file.
func WriteParquet(ctx context.Context, w goio.Writer, ds *labels.Dataset, opts Options) error {
	t, err := plan(ds, opts)
	if err != nil {
		return err
	}
	mem := opts.allocator()
	props := opts.Parquet
	if props == nil {
		props = parquet.NewWriterProperties(
			parquet.WithCompression(compress.Codecs.Zstd),
			parquet.WithAllocator(mem),
		)
	}
	fw, err := pqarrow.NewFileWriter(t.schema, writerOnly{w}, props,
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	if err != nil {
		return fmt.Errorf("io/arrow: parquet: %w", err)
	}
	err = t.batches(ctx, opts, func(rec arrow.RecordBatch) error {
		if err := fw.Write(rec); err != nil {
			return fmt.Errorf("io/arrow: parquet: %w", err)
		}
		return nil
	})
	if cerr := fw.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("io/arrow: parquet: %w", cerr)
	}
	return err
}

// WriteIPCFile writes the Arrow IPC file of ds (see WriteIPC) to path. It
// writes to a temporary file in path's directory and renames it to path
// once complete, so that a failed or cancelled export leaves no file
// behind and an existing file at path unchanged. The file's mode is 0644.
func WriteIPCFile(ctx context.Context, path string, ds *labels.Dataset, opts Options) error {
	return writeFile(path, func(w goio.Writer) error { return WriteIPC(ctx, w, ds, opts) })
}

// WriteParquetFile writes the Parquet file of ds (see WriteParquet) to
// path, as WriteIPCFile does.
func WriteParquetFile(ctx context.Context, path string, ds *labels.Dataset, opts Options) error {
	return writeFile(path, func(w goio.Writer) error { return WriteParquet(ctx, w, ds, opts) })
}

// writeFile calls write on a temporary file beside path and renames it
// to path if write, syncing and closing succeed; otherwise it removes it.
func writeFile(path string, write func(goio.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("io/arrow: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return fmt.Errorf("io/arrow: write %s: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("io/arrow: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("io/arrow: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("io/arrow: %w", err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("io/arrow: %w", err)
	}
	return nil
}
