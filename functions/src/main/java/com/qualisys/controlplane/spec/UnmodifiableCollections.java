package com.qualisys.controlplane.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.type.MapType;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Every list, set and map Jackson binds into a spec comes back unmodifiable, in its order: a loaded spec is
 * shared by every later load of the same files ({@link SpecLoader}), so no caller may change it for the others.
 */
final class UnmodifiableCollections extends BeanDeserializerModifier {
    @Override
    public JsonDeserializer<?> modifyCollectionDeserializer(DeserializationConfig config, CollectionType type,
                                                            BeanDescription description, JsonDeserializer<?> deserializer) {
        return new Wrapped(deserializer, UnmodifiableCollections::collection);
    }

    @Override
    public JsonDeserializer<?> modifyMapDeserializer(DeserializationConfig config, MapType type,
                                                     BeanDescription description, JsonDeserializer<?> deserializer) {
        return new Wrapped(deserializer, map -> Collections.unmodifiableMap((Map<?, ?>) map));
    }

    private static Object collection(Object value) {
        if (value instanceof List<?> list) return Collections.unmodifiableList(list);
        if (value instanceof Set<?> set) return Collections.unmodifiableSet(set);
        return Collections.unmodifiableCollection((Collection<?>) value);
    }

    /** Binds as the wrapped deserializer does, then makes the result unmodifiable. */
    private static final class Wrapped extends DelegatingDeserializer {
        private final UnaryOperator<Object> unmodifiable;

        Wrapped(JsonDeserializer<?> delegate, UnaryOperator<Object> unmodifiable) {
            super(delegate);
            this.unmodifiable = unmodifiable;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new Wrapped(newDelegatee, unmodifiable);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext context) throws IOException {
            Object value = _delegatee.deserialize(p, context);
            return value == null ? null : unmodifiable.apply(value);
        }
    }
}
