package dev.multimodal.usermanagement.lockout;

/** Only for admin operations (unlock), whose caller must learn that nothing happened. */
public class LockoutStoreException extends RuntimeException {

    public LockoutStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
