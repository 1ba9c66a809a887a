package dev.picspace.domain;

/** What a VOD (Alibaba Cloud RPC) caller signs with: an AccessKey pair belonging to one tenant. */
public record VodCredentials(long tenantId, String accessKeyId, String accessKeySecret) {}
