namespace Ann2Snn;

/// <summary>
/// Writes a file so that readers see the old file or the whole new one, never a part: the content goes to a temporary file
/// beside the destination (same folder, so the rename stays on one file system), is flushed to disk, and is renamed over
/// the destination; on any failure the temporary file is removed and the destination is untouched.
/// </summary>
public static class AtomicFile
{
    /// <param name="path">The destination.</param>
    /// <param name="write">Writes the content to a stream that is readable, writable and seekable (some writers need all three).</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(full);
        string fileName = Path.GetFileName(full);
        if (directory is null || fileName.Length == 0) throw new ArgumentException($"'{path}' does not name a file", nameof(path));
        string temp = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // Best effort: the original error matters more.
            }
            catch (UnauthorizedAccessException)
            {
            }
            throw;
        }
    }
}
