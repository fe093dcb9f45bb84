// Reading and writing: the reader and writer requirements come from `CoreBackedStream`.
extension PipeStream: AsyncBufferedByteReader, AsyncByteWriter, CoreBackedStream {
}
