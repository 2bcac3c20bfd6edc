export declare const DIGEST_FILE: string;
export declare function sourceDigest(root: string): string;
