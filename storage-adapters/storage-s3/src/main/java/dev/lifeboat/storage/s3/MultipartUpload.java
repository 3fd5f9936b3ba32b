package dev.lifeboat.storage.s3;

import dev.lifeboat.storage.StorageException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One multipart upload of content too large, or of unknown length, for a single PutObject. Parts
 * go up one after the other from one {@link PartBuffer}, so a put holds one part in memory.
 *
 * <p>Nothing is visible under the key until CompleteMultipartUpload; on any failure (the
 * content's, the server's, or a refused CREATE_ONLY) the upload is aborted, so that neither a
 * partial object nor stored parts that nobody will complete (and that S3 would bill) remain.
 */
final class MultipartUpload {

    private final S3Client s3;
    private final S3Location location;
    private final String key;
    private final String bucket;
    private final String objectKey;
    private final ObjectWriteSettings settings;

    MultipartUpload(S3Client s3, S3Location location, String key, ObjectWriteSettings settings) {
        this.s3 = s3;
        this.location = location;
        this.key = key;
        this.bucket = location.bucket();
        this.objectKey = location.objectKey(key);
        this.settings = settings;
    }

    /**
     * Uploads the part already in {@code buffer} and then the rest of {@code in}, and completes
     * the upload; {@code ifNoneMatch} ("*" for CREATE_ONLY, or null) rides on the completion,
     * which is the write that publishes the object.
     */
    void run(PartBuffer buffer, InputStream in, String ifNoneMatch) throws IOException {
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(objectKey);
        settings.applyTo(create);
        String uploadId = s3.createMultipartUpload(create.build()).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            while (true) {
                if (parts.size() == S3Options.MAX_PARTS) {
                    throw new StorageException(StorageException.Kind.PERMANENT, location.describe(), key,
                            "cannot store '" + key + "' in " + location.describe() + ": the content needs more than "
                                    + S3Options.MAX_PARTS + " parts of " + buffer.size() + " bytes: raise part-size in the URI");
                }
                parts.add(uploadPart(uploadId, parts.size() + 1, buffer));
                if (buffer.ended()) {
                    break;
                }
                buffer.fill(in);
            }
            s3.completeMultipartUpload(CompleteMultipartUploadRequest.builder()
                    .bucket(bucket).key(objectKey).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts))
                    .ifNoneMatch(ifNoneMatch)
                    .build());
        } catch (IOException | RuntimeException | Error e) {
            abort(uploadId, e);
            throw e;
        }
    }

    private CompletedPart uploadPart(String uploadId, int number, PartBuffer buffer) {
        UploadPartResponse response = s3.uploadPart(request -> {
            request.bucket(bucket).key(objectKey).uploadId(uploadId).partNumber(number).contentLength((long) buffer.size());
            if (settings.checksums()) {
                request.checksumAlgorithm(ChecksumAlgorithm.CRC32);
            }
        }, RequestBody.fromContentProvider(buffer::newStream, buffer.size(), "application/octet-stream"));
        return CompletedPart.builder().partNumber(number).eTag(response.eTag())
                .checksumCRC32(response.checksumCRC32()).build();
    }

    /** Best effort: a failed abort is added to the failure, which is what the caller must see. */
    private void abort(String uploadId, Throwable failure) {
        try {
            s3.abortMultipartUpload(request -> request.bucket(bucket).key(objectKey).uploadId(uploadId));
        } catch (SdkException abortFailure) {
            // NoSuchUpload: a completion that failed on the wire may still have published the
            // object; then there is nothing left to abort.
            failure.addSuppressed(abortFailure);
        }
    }
}
