package dev.lifeboat.storage.s3;

import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * What every new object gets, whether it is written by PutObject or by a multipart upload:
 * storage class, server-side encryption and the checksum algorithm. The two request builders
 * share no interface, hence one method for each.
 */
record ObjectWriteSettings(String storageClass, String sse, String sseKmsKeyId, boolean checksums) {

    static ObjectWriteSettings of(S3Options options) {
        return new ObjectWriteSettings(options.storageClass(), options.sse(), options.sseKmsKeyId(), options.checksums());
    }

    void applyTo(PutObjectRequest.Builder request) {
        request.storageClass(storageClass).serverSideEncryption(sse).ssekmsKeyId(sseKmsKeyId);
        if (checksums) {
            request.checksumAlgorithm(ChecksumAlgorithm.CRC32);
        }
    }

    void applyTo(CreateMultipartUploadRequest.Builder request) {
        request.storageClass(storageClass).serverSideEncryption(sse).ssekmsKeyId(sseKmsKeyId);
        if (checksums) {
            // Declared at creation so that every part, and the completion, carry the same kind.
            request.checksumAlgorithm(ChecksumAlgorithm.CRC32);
        }
    }
}
