package dev.glasskey.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;

import org.springframework.core.convert.support.GenericConversionService;
import org.springframework.core.serializer.Deserializer;
import org.springframework.core.serializer.support.DeserializingConverter;
import org.springframework.core.serializer.support.SerializingConverter;

/**
 * How session attributes are turned into bytes and back: Java serialization, as Spring Session
 * does by default, but reading back only the types Glasskey puts into a session (the sign-in
 * record, strings, maps of instants, and the console's flash attributes: Spring MVC's
 * {@code FlashMap} with messages and a just-issued enrolment link). A session row is data from the database; a row someone
 * wrote to smuggle another class in is refused, not instantiated (JEP 290 filter).
 */
final class SessionSerialization {
    static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=8;maxrefs=2000;maxbytes=65536;maxarray=4096;"
                    + "dev.glasskey.webauthn.SignedIn;dev.glasskey.webauthn.EnrolmentLink;"
                    + "org.springframework.web.servlet.FlashMap;org.springframework.util.LinkedMultiValueMap;org.springframework.util.MultiValueMapAdapter;"
                    + "java.util.concurrent.CopyOnWriteArrayList;"
                    + "java.lang.*;java.util.*;java.time.*;!*");

    private SessionSerialization() {}

    static GenericConversionService conversionService() {
        GenericConversionService service = new GenericConversionService();
        service.addConverter(Object.class, byte[].class, new SerializingConverter());
        service.addConverter(byte[].class, Object.class, new DeserializingConverter(new FilteredDeserializer()));
        return service;
    }

    private static final class FilteredDeserializer implements Deserializer<Object> {
        @Override
        public Object deserialize(InputStream inputStream) throws IOException {
            ObjectInputStream in = new ObjectInputStream(inputStream);
            in.setObjectInputFilter(FILTER);
            try {
                return in.readObject();
            } catch (ClassNotFoundException e) {
                throw new IOException("session attribute of an unknown type", e);
            }
        }
    }
}
